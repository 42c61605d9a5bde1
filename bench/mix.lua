-- The school-day mix for wrk: every request reads a page drawn by weight from the file
-- named by BENCH_MIX (one read a line: name, path, cookie, weight, tab-separated), and its
-- latency is kept per page. Run with one connection per thread (-t N -c N), so that in each
-- thread a response always answers the request made just before it.
-- done() prints one JSON line: per page the latencies (ms) and how many answers of each
-- status other than 200.
-- Each thread keeps its reads in one flat list of strings (wrk hands a thread's tables to
-- done() by copying them, and this wrk crashes copying tables within tables).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec[1]")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock[0].tv_sec) * 1000 + tonumber(clock[0].tv_nsec) / 1e6
end

local threads, created = {}, 0

function setup(thread)
  created = created + 1
  thread:set("id", created)
  table.insert(threads, thread)
end

local entries, cumulative, total = {}, {}, 0
local current, started
reads = {} -- "<entry index> <ms> <status>"

function init(args)
  math.randomseed(id * 7919 + os.time())
  for line in io.lines(os.getenv("BENCH_MIX")) do
    local name, path, cookie, weight = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
    if name then
      total = total + tonumber(weight)
      table.insert(entries, { index = #entries + 1, name = name, path = path, cookie = cookie })
      table.insert(cumulative, total)
    end
  end
end

function request()
  local drawn, i = math.random() * total, 1
  while cumulative[i] < drawn and i < #entries do
    i = i + 1
  end
  current = entries[i]
  local headers = {}
  if current.cookie ~= "" then
    headers["Cookie"] = current.cookie
  end
  started = now_ms()
  return wrk.format("GET", current.path, headers)
end

function response(status, headers, body)
  reads[#reads + 1] = string.format("%d %.2f %d", current.index, now_ms() - started, status)
end

local function quoted(text)
  return '"' .. text:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

function done(summary, latency, requests)
  local names = {}
  for line in io.lines(os.getenv("BENCH_MIX")) do
    table.insert(names, line:match("^([^\t]*)\t"))
  end
  local merged, failed = {}, {}
  for _, thread in ipairs(threads) do
    for _, read in ipairs(thread:get("reads")) do
      local index, ms, status = read:match("^(%d+) (%S+) (%d+)$")
      local name = names[tonumber(index)]
      merged[name] = merged[name] or {}
      table.insert(merged[name], ms)
      if status ~= "200" then
        failed[name] = failed[name] or {}
        failed[name][status] = (failed[name][status] or 0) + 1
      end
    end
  end
  local pages = {}
  for name, list in pairs(merged) do
    local statuses = {}
    for status, count in pairs(failed[name] or {}) do
      table.insert(statuses, string.format('"%s": %d', status, count))
    end
    table.insert(pages, string.format('%s: {"latencies": [%s], "bad": {%s}}',
      quoted(name), table.concat(list, ","), table.concat(statuses, ", ")))
  end
  local errors = summary.errors
  io.write(string.format(
    '{"seconds": %.3f, "requests": %d, "socket_errors": %d, "timeouts": %d, "pages": {%s}}\n',
    summary.duration / 1e6, summary.requests,
    errors.connect + errors.read + errors.write, errors.timeout, table.concat(pages, ", ")))
end

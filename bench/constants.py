"""Names the benchmark shares between its parts, which need no Django set up: the reference
pages, the busiest pages and the school-day mix."""

FLOOR = "floor page"
LEAN = "lean reference page"
REFERENCES = (FLOOR, LEAN)
# The pages opened most often in a school day: their CPU is held to a tighter ratio.
BUSIEST = ("advisor home", "student home", "guardian home", "daily logs (mentor)")

# The school-day mix: how many of every 100 page reads each page gets, by who reads it.
# Students and advisors most (a student opens the home, their plan and the internship days
# they check in and out of several times a day; an advisor goes between the home, the
# advisory and the plans to review), then families (mostly their home), mentors (the days to
# confirm) and admins (the school's overview and lists); a few people arrive at sign-in.
MIX_WEIGHTS = {
    # students: 38
    "student home": 16,
    "learning plan (student)": 8,
    "internship days (student)": 6,
    "internship page (student)": 5,
    "student profile": 3,
    # advisors: 30
    "advisor home": 12,
    "advisory page": 7,
    "learning plan (advisor)": 5,
    "advisory internships": 4,
    "plan history": 2,
    # families: 13
    "guardian home": 10,
    "learning plan (guardian)": 3,
    # mentors: 9
    "daily logs (mentor)": 4,
    "mentor home": 2,
    "mentor's interns": 2,
    "internship days (mentor)": 1,
    # admins: 7
    "admin home": 2,
    "admin overview": 2,
    "student list (admin)": 1,
    "people list (admin)": 1,
    "advisory list (admin)": 1,
    # people arriving: 3
    "sign-in page": 3,
}
# Home pages read in the mix by several people of the role, not only the demo logins.
HOMES = {
    "student home": "student",
    "advisor home": "advisor",
    "guardian home": "guardian",
    "mentor home": "mentor",
}

# The targets (issue 12), checked by bench/report.py.
CPU_RATIO = 3.0  # every main page's CPU per request, at most this many floor pages
BUSY_RATIO = 2.5  # the busiest pages' (bench.pages.BUSIEST)
P95_MS = 300.0  # every page's p95 at 16 clients in the school day
SEED_SECONDS = 120.0  # seeding the 5,000-student school

# The 10 Expectations' targets (issue 13), checked by bench/report.py.
EXPECTATION_MS = 500.0  # the school view and heat map (and the advisory view, the profile)
EARLY_WARNING_SECONDS = 30.0  # every student's status of the 5,000-student school
# The reports and the record of access (issue 14).
REPORT_MS = 500.0  # every report page, cold (p95)
CSV_FIRST_BYTE_MS = 1000.0  # the full school's list of students as CSV: its first row
# Memory held flat: the CSV of 5,000 students may raise the process's peak RSS by no more
# than the CSV of 500 did, plus this much.
CSV_RSS_SLACK_MB = 10.0
RECORD_MS = 1.0  # what writing the record of access adds to a page, at the median
ROLL_REQUESTS = 1  # taking a day's roll of an advisory

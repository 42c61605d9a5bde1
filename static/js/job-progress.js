/* A background job's progress: the page's #job-progress box polls the job's status (its
 * data-status-url, every data-interval seconds), moves the bar and the count, and reloads
 * the page once the job has finished, to show its result. Without JavaScript the page
 * reloads itself (a <meta http-equiv="refresh"> inside <noscript>). */
(function () {
  "use strict";

  var box = document.getElementById("job-progress");
  if (!box || !box.dataset.statusUrl) {
    return;
  }
  var bar = document.getElementById("job-progress-bar");
  var count = document.getElementById("job-progress-count");
  var stateText = document.getElementById("job-progress-state");
  var interval = Math.max(1, parseInt(box.dataset.interval, 10) || 2) * 1000;
  var finished = { done: true, failed: true };

  function show(state) {
    if (state.total > 0 || finished[state.status]) {
      bar.value = state.percent;
      bar.textContent = state.percent + "%";
    }
    if (state.status === "running" && box.dataset.runningText) {
      stateText.textContent = box.dataset.runningText;
    }
    if (count && state.total > 0) {
      count.textContent = (box.dataset.countText || "")
        .replace("{done}", state.done)
        .replace("{total}", state.total)
        .replace("{percent}", state.percent);
    }
  }

  function poll() {
    fetch(box.dataset.statusUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (finished[state.status]) {
          window.location.reload();
        } else {
          window.setTimeout(poll, interval);
        }
      })
      .catch(function () {
        window.setTimeout(poll, interval * 2); // a hiccup: try again, a little later
      });
  }

  window.setTimeout(poll, interval);
})();

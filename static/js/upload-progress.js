/* Upload with a progress bar: a form marked data-upload-progress that carries a file is sent
 * with XMLHttpRequest, its progress shown in the page's #upload-progress box. The server
 * answers a script's upload with {"redirect": url} when it is saved (the page then opens it,
 * with its message), or with the form again when something is wrong (the form is swapped in,
 * with the errors next to the fields). A file over the school's limit is refused here before
 * a byte is sent. Without JavaScript the form posts as usual. */
(function () {
  "use strict";

  var MB = 1024 * 1024;
  var box = document.getElementById("upload-progress");
  if (!box) {
    return;
  }
  var bar = document.getElementById("upload-progress-bar");
  var status = document.getElementById("upload-progress-status");

  function fileInput(form) {
    return form.querySelector("input[type=file][data-limit-bytes]");
  }

  function clearTooLarge(input) {
    var old = document.getElementById(input.id + "-too-large");
    if (old) {
      old.remove();
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      input.setAttribute("aria-describedby", input.dataset.describedBy || "");
    }
  }

  function showTooLarge(input, file) {
    clearTooLarge(input);
    var message = document.createElement("p");
    message.id = input.id + "-too-large";
    message.className = "invalid-feedback d-block";
    message.textContent = input.dataset.tooLarge.replace("{size}", String(Math.ceil(file.size / MB)));
    input.classList.add("is-invalid");
    input.setAttribute("aria-invalid", "true");
    input.dataset.describedBy = input.getAttribute("aria-describedby") || "";
    input.setAttribute("aria-describedby", (message.id + " " + input.dataset.describedBy).trim());
    input.insertAdjacentElement("afterend", message);
    input.focus();
  }

  function setBusy(form, busy) {
    form.querySelectorAll("[type=submit]").forEach(function (button) {
      button.disabled = busy;
    });
    form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function showProgress(percent, text) {
    box.hidden = false;
    bar.value = percent;
    bar.textContent = percent + "%";
    status.textContent = text;
  }

  function fail(form, text) {
    setBusy(form, false);
    status.textContent = text;
  }

  function swapForm(form, html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var fresh = page.querySelector("form[data-upload-progress]");
    if (!fresh) {
      return false;
    }
    fresh = document.importNode(fresh, true);
    form.replaceWith(fresh);
    enhance(fresh);
    box.hidden = true;
    var invalid = fresh.querySelector(".is-invalid");
    if (invalid) {
      invalid.focus();
    }
    return true;
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Upload-Progress", "1");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        var percent = Math.floor((event.loaded / event.total) * 100);
        showProgress(percent, percent + "%");
      }
    });
    request.addEventListener("load", function () {
      var type = request.getResponseHeader("Content-Type") || "";
      if (request.status === 200 && type.indexOf("application/json") === 0) {
        showProgress(100, box.dataset.done);
        window.location.assign(JSON.parse(request.responseText).redirect);
      } else if (request.status === 200 && swapForm(form, request.responseText)) {
        return;
      } else if (request.status === 200 && request.responseURL) {
        window.location.assign(request.responseURL); // e.g. signed out meanwhile
      } else {
        fail(form, box.dataset.failed.replace("{status}", String(request.status)));
      }
    });
    request.addEventListener("error", function () {
      fail(form, box.dataset.interrupted);
    });
    request.addEventListener("abort", function () {
      fail(form, box.dataset.interrupted);
    });
    setBusy(form, true);
    showProgress(0, "0%");
    request.send(data);
  }

  function enhance(form) {
    var input = fileInput(form);
    if (!input || !window.FormData || !window.XMLHttpRequest) {
      return;
    }
    input.addEventListener("change", function () {
      clearTooLarge(input);
    });
    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (!file) {
        return; // a link: the plain post
      }
      event.preventDefault();
      if (file.size > Number(input.dataset.limitBytes)) {
        showTooLarge(input, file);
        return;
      }
      send(form, event.submitter);
    });
  }

  document.querySelectorAll("form[data-upload-progress]").forEach(enhance);
})();

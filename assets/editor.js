// Live preview for the editor: renders the Markdown through the server's own pipeline
// (POST /api/preview) a moment after typing stops. The Preview button works without it.
(function () {
  "use strict";
  var body = document.getElementById("editor.body");
  var preview = document.getElementById("editor.preview");
  if (!body || !preview || !window.fetch) {
    return;
  }
  var timer = null;
  var latest = 0;
  function refresh() {
    var request = ++latest;
    fetch("/api/preview", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "text/plain; charset=utf-8" },
      body: body.value
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      // The server returns sanitized HTML; only the newest answer is shown.
      if (html !== null && request === latest) {
        preview.innerHTML = html;
      }
    }).catch(function () {});
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
})();

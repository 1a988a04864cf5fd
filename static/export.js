// The console's export form: download through fetch, so that the page can show the
// export arriving (it streams from the server), then hand the file to the browser.
// Without this script the form is a plain download link and still works.
(function () {
  "use strict";
  function setUp() {
    var form = document.getElementById("export-form");
    if (!form || !window.fetch || !window.ReadableStream || !window.URL) return;
    var box = document.getElementById("export-progress-box");
    var bar = document.getElementById("export-progress");
    var status = document.getElementById("export-status");
    var button = document.getElementById("export-submit");

    function say(text, values) {
      status.textContent = text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
    }
    function kilobytes(bytes) {
      return (bytes / 1024).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 0 });
    }
    function fileName(response) {
      var match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      return match ? match[1] : "export";
    }

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var url = form.action + "?" + new URLSearchParams(new FormData(form)).toString();
      button.disabled = true;
      box.hidden = false;
      bar.removeAttribute("value");  // indeterminate until the last byte is in
      say(form.dataset.started, {});
      try {
        var response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) throw new Error(String(response.status));
        var reader = response.body.getReader();
        var parts = [];
        var received = 0;
        var announced = 0;
        for (;;) {
          var next = await reader.read();
          if (next.done) break;
          parts.push(next.value);
          received += next.value.length;
          // A screen reader hears a new figure now and then, not for every piece.
          if (received - announced >= 256 * 1024) {
            announced = received;
            say(form.dataset.received, { size: kilobytes(received) });
          }
        }
        var name = fileName(response);
        var link = document.createElement("a");
        link.href = URL.createObjectURL(new Blob(parts, { type: response.headers.get("Content-Type") }));
        link.download = name;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
        bar.max = 1;
        bar.value = 1;
        say(form.dataset.done, { name: name, size: kilobytes(received) });
      } catch (error) {
        box.hidden = true;
        say(form.dataset.failed, {});
      } finally {
        button.disabled = false;
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();

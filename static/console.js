// The console's copy buttons: `data-copy` names the field whose text one click copies;
// the button's status (aria-describedby, role=status) says whether it worked. Where the
// browser allows no clipboard (plain http on a network address), the link is selected
// and the status asks for Ctrl+C; the field stays selectable either way.
(function () {
  "use strict";
  function say(status, text) {
    status.textContent = "";
    // A fresh text each time, so that a second click is announced too.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    if (!field || !status) return;
    var text = field.value || field.textContent;
    function failed() {
      field.focus();
      field.select();
      say(status, status.dataset.textFailed);
    }
    if (!navigator.clipboard || !window.isSecureContext) { failed(); return; }
    navigator.clipboard.writeText(text).then(function () {
      say(status, status.dataset.textDone);
    }, failed);
  });
})();

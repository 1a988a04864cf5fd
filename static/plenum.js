// Plenum's small client layer on top of htmx's ws extension (protocol: docs/protocol.md).
// It keeps the board exact across drops: deltas are applied in seq order only, a gap asks
// for a fresh snapshot, and every command carries an id and is re-sent until acknowledged.
(function () {
  "use strict";
  var HEADER = /^<!--plenum (snapshot|delta|reply) (\S+)(?: (\S+))?-->/;
  var lastSeq = null;
  var pending = {}; // command id -> JSON body, until the server's reply names it

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function setStatus(live, state) {
    live.dataset.live = state;
    var status = document.getElementById("connection-status");
    if (status) status.textContent = live.dataset["text" + state.charAt(0).toUpperCase() + state.slice(1)] || "";
  }

  document.addEventListener("htmx:wsConfigSend", function (event) {
    var params = event.detail.parameters;
    if (!params.command || params.command === "resync") return;
    params.cid = newId();
    var body = JSON.stringify(params);
    pending[params.cid] = body;
    event.detail.messageBody = body;
    var form = event.detail.elt.closest("form");
    if (form) {
      var text = form.querySelector("textarea, input[name=text]");
      if (text) text.value = "";
    }
  });

  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    var match = HEADER.exec(event.detail.message);
    if (!match) return;
    var kind = match[1];
    var live = document.getElementById("live");
    if (kind === "snapshot") {
      lastSeq = Number(match[2]);
      if (live) setStatus(live, "connected");
    } else if (kind === "delta") {
      var first = Number(match[2]);
      var last = Number(match[3]);
      if (lastSeq === null || last <= lastSeq) { event.preventDefault(); return; }
      if (first !== lastSeq + 1) {
        event.preventDefault();
        lastSeq = null;
        event.detail.socketWrapper.sendImmediately(JSON.stringify({ command: "resync" }));
        return;
      }
      lastSeq = last;
    } else if (kind === "reply") {
      delete pending[match[2]];
    }
  });

  document.addEventListener("htmx:wsOpen", function (event) {
    // Resend what the server may never have received; it applies each id once.
    Object.keys(pending).forEach(function (cid) {
      event.detail.socketWrapper.sendImmediately(pending[cid]);
    });
  });

  document.addEventListener("htmx:wsClose", function () {
    var live = document.getElementById("live");
    lastSeq = null;
    if (live) setStatus(live, "reconnecting");
  });

  // Ctrl+Enter (Cmd+Enter) posts from the text field, as in chat tools.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    var form = event.target.closest && event.target.closest("form[ws-send]");
    if (form) { event.preventDefault(); form.requestSubmit(); }
  });
})();

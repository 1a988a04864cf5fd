// Plenum's small client layer on top of htmx's ws extension (protocol: docs/protocol.md).
// It keeps the board exact across drops: deltas are applied in seq order only, a gap asks
// for a fresh snapshot, and every command carries an id and is re-sent until acknowledged.
// What differs per person (own cards, own dots, sort order, filters, selection) is applied
// here, so the server renders each fragment once for everyone.
(function () {
  "use strict";
  var HEADER = /^<!--plenum (snapshot|delta|reply) (\S+)(?: (\S+))?(?: \S+)?-->/;
  var lastSeq = null;
  var pending = {}; // command id -> {body, form, key}, until the server's reply names it
  var focused = null; // where focus was before a message was applied (see restoreFocus)
  var roomState = null; // the phase and lock last told to screen readers
  var timerOffset = 0; // server clock minus ours, in ms
  var announced = {};

  function byId(id) { return document.getElementById(id); }
  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function setStatus(state) {
    var live = byId("live");
    if (!live) return;
    live.dataset.live = state;
    var status = byId("connection-status");
    var text = live.dataset["text" + state.charAt(0).toUpperCase() + state.slice(1)] || "";
    setText(status, text);
  }

  // A status region speaks whenever its text is set, even to the same words: only set it
  // when what it says changes.
  function setText(element, text) {
    if (element && element.textContent !== text) element.textContent = text;
  }

  function announce(text) {
    var region = byId("announcer");
    if (region && text) region.textContent = text;
  }

  // --- Sending ---------------------------------------------------------------------------

  // A form with several commands (the moderator's selection tools) says which button sent it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[name=command]");
    if (button && button.form) button.form.dataset.command = button.value;
  }, true);

  function selectedCards() {
    return all(".select-card:checked").map(function (box) { return box.value; });
  }

  document.addEventListener("htmx:wsConfigSend", function (event) {
    var params = event.detail.parameters;
    var form = event.detail.elt.closest("form");
    if (askFirst(form, event)) return;
    if (form && form.dataset.command) params.command = form.dataset.command;
    if (form && form.id === "selection") params.cards = selectedCards().join(",");
    delete params.HEADERS;
    if (!params.command || params.command === "resync") return;
    params.cid = newId();
    var body = JSON.stringify(params);
    pending[params.cid] = { body: body, form: form, key: form && controlKey(form) };
    event.detail.messageBody = body;
    var dialog = form && form.closest("dialog[open]");
    if (dialog) dialog.close();
  });

  // A step that is hard to take back (closing a room) asks first: its form names a
  // <dialog> whose own form sends the command. The dialog is modal (keyboard and screen
  // readers stay in it, Escape cancels); focus starts on "cancel" and comes back to the
  // button that opened it.
  var confirming = null; // where focus was when the dialog opened

  function askFirst(form, event) {
    var dialog = form && form.dataset.confirm && byId(form.dataset.confirm);
    if (!dialog) return false;
    event.preventDefault();
    if (event.detail.triggeringEvent) event.detail.triggeringEvent.preventDefault();
    confirming = describeFocus();
    dialog.showModal();
    var cancel = dialog.querySelector("[data-cancel]");
    if (cancel) cancel.focus();
    return true;
  }

  document.addEventListener("close", function (event) {
    if (event.target.tagName !== "DIALOG" || !confirming) return;
    restoreFocus(confirming);
    confirming = null;
  }, true);

  function settle(cid, ok) {
    var sent = pending[cid];
    delete pending[cid];
    if (!sent || !ok || !sent.form) return;
    // The form may have been re-rendered by a live update before this reply came.
    var form = sent.form.isConnected ? sent.form : findByKey(sent.key, document.body);
    if (!form) return;
    // Clear what was typed only once the server took it: a refused text stays to fix.
    all("textarea:not([data-keep]), input[name=text]", form).forEach(function (field) { field.value = ""; });
    var details = form.closest("details.card-edit, details.takeaway-edit");
    if (details) details.open = false;
    if (form.id === "selection" || form.dataset.carriesSelection === "yes") {
      all(".select-card:checked").forEach(function (box) { box.checked = false; });
      var name = form.querySelector("[name=name]");
      if (name) name.value = "";
      updateSelection();
    }
  }

  // --- Receiving -------------------------------------------------------------------------

  // After a gap the page asks for a snapshot, and asks again while deltas keep coming
  // without one: the first request may have been refused (too many messages at once).
  var resyncAskedAt = 0;
  function askForSnapshot(socketWrapper) {
    if (Date.now() - resyncAskedAt < 5000) return;
    resyncAskedAt = Date.now();
    socketWrapper.sendImmediately(JSON.stringify({ command: "resync" }));
  }

  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    focused = describeFocus();
    var match = HEADER.exec(event.detail.message);
    if (!match) return;
    var kind = match[1];
    if (kind === "snapshot") {
      lastSeq = Number(match[2]);
      setStatus("connected");
    } else if (kind === "delta") {
      var first = Number(match[2]);
      var last = Number(match[3]);
      if (lastSeq !== null && first !== lastSeq + 1 && last > lastSeq) {
        lastSeq = null; // a gap: what follows waits for a snapshot
        resyncAskedAt = 0;
      }
      if (lastSeq === null) {
        event.preventDefault();
        askForSnapshot(event.detail.socketWrapper);
        return;
      }
      if (last <= lastSeq) { event.preventDefault(); return; }
      lastSeq = last;
    } else if (kind === "reply") {
      settle(match[2], match[3] === "ok");
    }
  });

  // An element that arrives with the id of one already on the page replaces it, wherever
  // it was (a card moved into a cluster, say), keeping what the person was typing; so does
  // a section swapped in place (the results while the moderator writes one).
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var fragment = event.detail.fragment;
    if (!fragment || !fragment.children) return;
    Array.prototype.forEach.call(fragment.children, function (fresh) {
      var old = fresh.id && byId(fresh.id);
      if (!old) return;
      if (old === event.detail.target && isLiveRegion(old)) {
        updateInPlace(old, fresh);
        event.detail.shouldSwap = false;
        return;
      }
      carryOver(old, fresh);
      if (old !== event.detail.target) old.remove();
    });
  });

  // A live region that is replaced is a new region: screen readers either miss what it
  // says or say it all again. So a region (your dots, say) keeps its element; it takes the
  // new attributes, and new content only when the server's content changed (compared with
  // what it sent last time: the page itself may have hidden a banner in it since).
  function isLiveRegion(element) {
    return element.hasAttribute("aria-live") || /^(status|alert|log)$/.test(element.getAttribute("role") || "");
  }

  function updateInPlace(old, fresh) {
    Array.prototype.slice.call(old.attributes).forEach(function (attribute) {
      if (!fresh.hasAttribute(attribute.name)) old.removeAttribute(attribute.name);
    });
    Array.prototype.forEach.call(fresh.attributes, function (attribute) {
      if (old.getAttribute(attribute.name) !== attribute.value) old.setAttribute(attribute.name, attribute.value);
    });
    var before = old.plenumSent === undefined ? old.innerHTML : old.plenumSent;
    old.plenumSent = fresh.innerHTML;
    if (before !== fresh.innerHTML) {
      old.innerHTML = fresh.innerHTML;
      htmx.process(old);
    }
  }

  function carryOver(old, fresh) {
    all("textarea[id], input[id]:not([type=hidden]):not([type=file])", old).forEach(function (field) {
      var twin = fresh.querySelector("#" + CSS.escape(field.id));
      if (!twin) return;
      if (field.type === "checkbox") twin.checked = field.checked;
      else if (field.value !== field.defaultValue) twin.value = field.value;
    });
    // A choice the person made (the breakout mode, say) outlives a live re-render; one they
    // did not touch takes the server's new value.
    all("select[id]", old).forEach(function (field) {
      var twin = fresh.querySelector("#" + CSS.escape(field.id));
      var preset = Array.prototype.find.call(field.options, function (o) { return o.defaultSelected; })
        || field.options[0];
      if (twin && preset && field.value !== preset.value) twin.value = field.value;
    });
    // Open or closed as the person left it (the programme opens for organisers, say).
    all("details[id]", old).forEach(function (details) {
      var twin = fresh.querySelector("#" + CSS.escape(details.id));
      if (!twin) return;
      twin.open = details.open;
      if (details.open) keepCardForms(details, twin);
    });
  }

  // --- A card's comment and edit forms ---------------------------------------------------
  // A card is sent without forms: a board of 600 cards would carry 1,800 of them to every
  // member. Opening a card's comments or its edit panel clones the page's form into it
  // (templates/_card_controls.html); its buttons (vote, hide, ...) submit the page's forms.
  var CARD_FORMS = { comments: "comment-form", "card-edit": "edit-form" };

  function cardFormTemplate(details) {
    var names = Object.keys(CARD_FORMS).filter(function (name) { return details.classList.contains(name); });
    return names.length ? byId(CARD_FORMS[names[0]]) : null;
  }

  function addCardForms(details) {
    var template = cardFormTemplate(details);
    var card = details.closest("li.card");
    if (!template || !card || details.querySelector(":scope > form")) return;
    var id = card.id.slice(5);
    var forms = template.content.cloneNode(true);
    all("[name=card]", forms).forEach(function (field) { field.value = id; });
    all("[id]", forms).forEach(function (field) { field.id += id; });
    all("label[for]", forms).forEach(function (label) { label.htmlFor += id; });
    details.appendChild(forms);
    takeCardText(details, card);
    htmx.process(details);
  }

  // The edit field starts from the card's text, and follows it while nobody typed in it.
  function takeCardText(details, card) {
    var text = card.querySelector(".card-text");
    all("textarea[data-keep]", details).forEach(function (field) {
      if (text) field.defaultValue = text.textContent;
    });
  }

  // On the click that opens it (Enter and Space click too), so the form is there for the
  // Tab that follows at once; "toggle" comes a task later, and for opening by script.
  document.addEventListener("click", function (event) {
    var summary = event.target.closest && event.target.closest("details > summary");
    if (summary) addCardForms(summary.parentElement);
  }, true);
  document.addEventListener("toggle", function (event) {
    if (event.target.tagName === "DETAILS" && event.target.open) addCardForms(event.target);
  }, true);

  // A live update re-renders the card someone is writing a comment in: the form itself,
  // with what was typed and its place in htmx, moves into the new card.
  function keepCardForms(details, twin) {
    var forms = all(":scope > form", details);
    if (!forms.length || !cardFormTemplate(details)) return;
    forms.forEach(function (form) { twin.appendChild(form); });
    var card = twin.closest("li.card");
    if (card) takeCardText(twin, card);
  }

  document.addEventListener("htmx:wsAfterMessage", function () {
    var removed = byId("removed");
    if (removed) {
      all("[data-remove]", removed).forEach(function (mark) {
        var gone = byId(mark.dataset.remove);
        if (gone) gone.remove();
      });
      removed.innerHTML = "";
    }
    refresh();
    announceRoomState();
    announceChanges();
    restoreFocus(focused);
    focused = null;
  });

  document.addEventListener("htmx:wsOpen", function (event) {
    // Resend what the server may never have received; it applies each id once.
    Object.keys(pending).forEach(function (cid) {
      event.detail.socketWrapper.sendImmediately(pending[cid].body);
    });
  });

  document.addEventListener("htmx:wsClose", function (event) {
    lastSeq = null;
    var code = event.detail && event.detail.event && event.detail.event.code;
    // 4012: this person's moderation ended; the page comes again as a participant's.
    if (code === 4012) { window.location.reload(); return; }
    setStatus(code >= 4000 ? "ended" : "reconnecting");
  });

  // --- Focus across live updates -----------------------------------------------------------
  // A live update replaces fragments, and with them the control someone was on; most
  // controls have no id. So a control is known by its form's fields (a phase button is
  // "set_phase, phase=vote" before and after) within its nearest ancestor with an id (a
  // card, the moderation panel, the agenda). When focus fell to the page, it goes to that
  // control's twin; else to a control there whose form differs in one field (lock becomes
  // unlock, hide becomes show, "+" that is used up becomes "-"); else, when the whole item
  // (a card, a person) went or left for another part of the page, to the item after or
  // before it; else to what contained it.

  var FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";

  function canFocus(element) {
    return element.isConnected && !element.disabled && shown(element);
  }

  // Rendered and not inside a closed <details> (whose content still has boxes in Chromium).
  function shown(element) {
    if (element.checkVisibility) return element.checkVisibility({ visibilityProperty: true });
    return element.getClientRects().length > 0;
  }

  function fieldsOf(element) {
    var fields = { "": element.tagName + (element.type ? ":" + element.type : "") };
    var form = element.tagName === "FORM" ? element : element.form;
    if (form) all("input[type=hidden]", form).forEach(function (field) { fields[field.name] = field.value; });
    if (element.tagName === "BUTTON" && element.name) fields["@" + element.name] = element.value;
    return fields;
  }

  function controlKey(element) {
    return element.id ? "#" + element.id : JSON.stringify(fieldsOf(element));
  }

  function matching(key, root) {
    if (key.charAt(0) === "#") return [byId(key.slice(1))].filter(Boolean);
    return all(FOCUSABLE + ", form", root).filter(function (element) { return controlKey(element) === key; });
  }

  function findByKey(key, root) {
    return key ? matching(key, root)[0] || null : null;
  }

  function differsInOne(a, b) {
    var keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length || a[""] !== b[""]) return false;
    return keys.filter(function (key) { return a[key] !== b[key]; }).length === 1;
  }

  // Taken before every message, so it only notes what is cheap to note; where the control
  // stood among others is worked out when needed (rarely), from its old scope, which a
  // swap detaches but leaves whole.
  function describeFocus() {
    var element = document.activeElement;
    if (!element || element === document.body || element === document.documentElement) return null;
    var scopes = [];
    for (var node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      if (node.id) scopes.push(node.id);
    }
    var item = element.closest("li[id]");
    var selection = null;
    try { selection = typeof element.selectionStart === "number" ? [element.selectionStart, element.selectionEnd] : null; } catch (e) { selection = null; }
    return {
      element: element,
      scope: byId(scopes[0]) || document.body,
      key: controlKey(element),
      fields: fieldsOf(element),
      scopes: scopes,
      item: item && item.id,
      region: regionOf(item),
      next: item && item.nextElementSibling && item.nextElementSibling.id,
      previous: item && item.previousElementSibling && item.previousElementSibling.id,
      selection: selection
    };
  }

  function position(elements, element) {
    return Math.max(0, elements.indexOf(element));
  }

  function twin(memory) {
    var scope = memory.scopes.length ? byId(memory.scopes[0]) : document.body;
    if (memory.key.charAt(0) === "#" || scope) {
      var same = matching(memory.key, scope || document.body).filter(canFocus);
      if (same.length === 1) return same[0];
      if (same.length) {
        var ordinal = position(matching(memory.key, memory.scope), memory.element);
        return same[Math.min(ordinal, same.length - 1)];
      }
    }
    if (!scope) return null;
    var index = position(all(FOCUSABLE, memory.scope), memory.element);
    var best = null;
    all(FOCUSABLE, scope).forEach(function (element, at) {
      if (!canFocus(element) || !differsInOne(fieldsOf(element), memory.fields)) return;
      var distance = Math.abs(at - index);
      if (!best || distance < best.distance) best = { element: element, distance: distance };
    });
    return best && best.element;
  }

  function regionOf(element) {
    var section = element && element.closest("section[id]");
    return section ? section.id : null;
  }

  // The item left the part of the page it was in (approved out of the queue, moved to
  // another column by someone else): focus stays where the person was, on the item that
  // came after it, instead of jumping across the page after it. A text field (known by
  // its id) goes along, with what was typed in it.
  function leftRegion(memory) {
    var item = memory.item && byId(memory.item);
    return Boolean(item) && memory.key.charAt(0) !== "#" && regionOf(item) !== memory.region;
  }

  function neighbour(memory, stay) {
    if (!memory.item || (byId(memory.item) && !stay)) return null;
    var found = [memory.next, memory.previous].map(function (id) { return id && byId(id); })
      .filter(function (element) { return element && shown(element) && regionOf(element) === memory.region; })[0];
    return found ? focusableItself(found) : null;
  }

  function container(memory, stay) {
    if (stay) {
      var region = byId(memory.region);
      return region && shown(region) ? focusableItself(region) : null;
    }
    for (var i = 0; i < memory.scopes.length; i++) {
      var element = byId(memory.scopes[i]);
      if (!element || !shown(element)) continue;
      if (element.tagName === "DETAILS" && !element.open) return element.querySelector("summary");
      return focusableItself(element);
    }
    return null;
  }

  function focusableItself(element) {
    if (!element.matches(FOCUSABLE)) element.setAttribute("tabindex", "-1");
    return element;
  }

  function restoreFocus(memory) {
    var now = document.activeElement;
    if (!memory || (now && now !== document.body && canFocus(now))) return;
    var stay = leftRegion(memory);
    var target = (stay ? null : twin(memory)) || neighbour(memory, stay) || container(memory, stay);
    if (!target) return;
    target.focus({ preventScroll: true }); // a live update never scrolls the page under someone
    if (memory.selection && target === document.activeElement) {
      try { target.setSelectionRange(memory.selection[0], memory.selection[1]); } catch (e) { /* not a text field */ }
    }
  }

  // --- Telling screen readers what changed ---------------------------------------------------
  // A phase change and the board's lock are said once, when they happen: a snapshot after
  // a reconnect that changes nothing says nothing.
  function announceRoomState() {
    var state = byId("room-state");
    if (!state) return;
    var before = roomState;
    roomState = { phase: state.dataset.phase, locked: state.dataset.locked };
    if (!before) return;
    var said = [];
    if (roomState.phase !== before.phase) said.push(phaseText(state));
    if (roomState.locked !== before.locked) {
      said.push(roomState.locked === "yes" ? state.dataset.textLocked : state.dataset.textUnlocked);
    }
    if (said.length) announce(said.join(" "));
  }

  // Parts swapped whole (the programme, the Q&A, one's own plenary part) would take a live
  // region inside them along, and a region that is new is not read. So they mark what to
  // say with data-announce (a sentence; empty: the element's own text), and the page says
  // it through its announcer when it changes; never what the page came with.
  var spoken = null; // element id -> what it says now

  function announceChanges() {
    var now = {};
    all("[data-announce][id]").forEach(function (element) {
      now[element.id] = element.dataset.announce || element.textContent.replace(/\s+/g, " ").trim();
    });
    var before = spoken;
    spoken = now;
    if (before === null) return;
    var said = Object.keys(now).filter(function (id) { return now[id] && now[id] !== before[id]; });
    if (said.length) announce(said.map(function (id) { return now[id]; }).join(" "));
  }

  function phaseText(state) {
    var mine = byId("my-votes");
    var left = mine && mine.dataset.left ? mine.dataset.left : state.dataset.voteBudget;
    return (state.dataset.textPhase || "").replace("{left}", left);
  }

  // --- What differs per person -------------------------------------------------------------

  function refresh() {
    markMine();
    sortCards();
    updateBoardChoices();
    applyFilters();
    updateSelection();
    tickTimer();
    plenary();
  }

  function markMine() {
    var live = byId("live");
    var mine = byId("my-votes");
    var state = byId("room-state");
    if (!live || !mine) return;
    var dots = {};
    try { dots = JSON.parse(mine.dataset.cards || "{}"); } catch (e) { dots = {}; }
    var left = Number(mine.dataset.left || 0);
    var ownVotes = !state || state.dataset.ownVotes !== "no";
    var maxPerCard = Number(state ? state.dataset.maxPerCard : 1);
    all(".card").forEach(function (card) {
      var id = card.id.slice(5);
      var own = card.dataset.author === live.dataset.me;
      var count = dots[id] || 0;
      card.classList.toggle("mine", own);
      card.dataset.myVotes = count;
      var label = card.querySelector(".my-dots");
      if (label) label.textContent = count ? (mine.dataset.textMine || "").replace("{count}", count) : "";
      var plus = card.querySelector(".vote-button:not(.unvote)");
      var minus = card.querySelector(".vote-button.unvote");
      if (plus) plus.disabled = left <= 0 || count >= maxPerCard || (own && !ownVotes);
      if (minus) minus.disabled = count <= 0;
    });
  }

  function cardKey(card, order) {
    var id = Number(card.id.slice(5));
    var votes = card.querySelector(".vote-count");
    var count = votes ? Number(votes.dataset.votes || 0) : 0;
    var pinned = card.classList.contains("highlighted") ? 0 : 1;
    if (order === "newest") return [pinned, -id];
    if (order === "votes") return [pinned, -count, id];
    return [pinned, id];
  }

  function compareKeys(a, b) {
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) return a[i] - b[i]; }
    return 0;
  }

  function sortCards() {
    var select = document.querySelector("[data-sort-select]");
    var order = select ? select.value : "posted";
    all("ol.cards").forEach(function (list) {
      var clusters = all(":scope > li.cluster", list).sort(function (a, b) {
        return Number(a.dataset.cluster) - Number(b.dataset.cluster);
      });
      var cards = all(":scope > li.card", list).sort(function (a, b) {
        return compareKeys(cardKey(a, order), cardKey(b, order));
      });
      var wanted = clusters.concat(cards);
      var current = Array.prototype.slice.call(list.children);
      var same = wanted.length === current.length && wanted.every(function (el, i) { return current[i] === el; });
      if (!same) wanted.forEach(function (el) { list.appendChild(el); });
    });
  }

  // The lists that offer the board's clusters and columns follow what is on the board (the
  // organisers may add or rename a column while the room is open).
  var choiceSignatures = {};

  function updateChoices(selector, choices) {
    // Rebuilding a list someone has open would close it under them: only on a change.
    var signature = JSON.stringify(choices);
    if (signature === choiceSignatures[selector]) return;
    choiceSignatures[selector] = signature;
    all(selector).forEach(function (select) {
      var chosen = select.value;
      var blank = Array.prototype.filter.call(select.options, function (o) { return o.value === ""; });
      select.innerHTML = "";
      blank.forEach(function (option) { select.appendChild(option); });
      choices.forEach(function (choice) {
        var option = document.createElement("option");
        option.value = choice.id;
        option.textContent = choice.name;
        select.appendChild(option);
      });
      var kept = choices.some(function (c) { return c.id === chosen; });
      select.value = kept ? chosen : (blank.length || !choices.length ? "" : choices[0].id);
    });
  }

  function updateBoardChoices() {
    updateChoices("[data-filter-cluster], [data-cluster-options]", all("li.cluster").map(function (cluster) {
      var name = cluster.querySelector(".cluster-name");
      return { id: cluster.dataset.cluster, name: name ? name.dataset.name : "" };
    }));
    updateChoices("[data-filter-column], [data-column-options]", all("section.column").map(function (column) {
      var title = byId(column.getAttribute("aria-labelledby"));
      return { id: column.dataset.column, name: title ? title.textContent : "" };
    }));
  }

  function applyFilters() {
    var column = document.querySelector("[data-filter-column]");
    var cluster = document.querySelector("[data-filter-cluster]");
    var wantedColumn = column ? column.value : "";
    var wantedCluster = cluster ? cluster.value : "";
    all("section.column").forEach(function (section) {
      section.hidden = Boolean(wantedColumn) && section.dataset.column !== wantedColumn;
    });
    all("ol.cards > li").forEach(function (item) {
      var inCluster = item.classList.contains("cluster") ? item.dataset.cluster : item.dataset.cluster || "";
      item.hidden = Boolean(wantedCluster) && inCluster !== wantedCluster;
    });
  }

  function updateSelection() {
    var form = byId("selection");
    if (!form) return;
    var count = selectedCards().length;
    var text = count ? (form.dataset.selectedText || "").replace("{count}", count) : form.dataset.noneText || "";
    setText(form.querySelector(".selection-count"), text);
    // aria-disabled, not disabled: a disabled button drops the focus it has (after it
    // emptied the selection) and a keyboard cannot find it; pressed anyway, the server
    // says that cards have to be chosen first.
    all("button", form).forEach(function (button) {
      button.setAttribute("aria-disabled", count === 0 ? "true" : "false");
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-sort-select]")) sortCards();
    else if (target.matches("[data-filter-column], [data-filter-cluster]")) applyFilters();
    else if (target.matches(".select-card")) updateSelection();
  });

  // --- Dragging cards (moderators; the selection form is the keyboard's way) ---------------
  // Where a card is dropped decides the command: another column moves it there; in its own
  // column a cluster takes it, a loose card makes a new cluster with it (named after that
  // card, to rename at leisure), and the column's free space takes it out of its cluster.
  // A ticked card carries the whole selection along.

  var dragged = null; // card ids on their way

  function dropCommand(target, cards) {
    var column = target.closest("section.column");
    if (!column) return null;
    var from = byId("card-" + cards[0]);
    if (!from) return null;
    if (column.dataset.column !== from.dataset.column) {
      return { command: "move_cards", column: column.dataset.column };
    }
    var cluster = target.closest("li.cluster");
    if (cluster) {
      var inside = cards.every(function (id) { var c = byId("card-" + id); return c && c.dataset.cluster === cluster.dataset.cluster; });
      return inside ? null : { command: "cluster_cards", cluster: cluster.dataset.cluster };
    }
    var card = target.closest("li.card");
    if (card && cards.indexOf(card.id.slice(5)) < 0) {
      var text = card.querySelector(".card-text");
      return { command: "group_cards", name: clusterNameFrom(text ? text.textContent : ""), with: card.id.slice(5) };
    }
    if (cards.some(function (id) { var c = byId("card-" + id); return c && c.dataset.cluster; })) {
      return { command: "cluster_cards", cluster: "" };
    }
    return null;
  }

  function clusterNameFrom(text) {
    var words = text.trim().split(/\s+/);
    var name = "";
    for (var i = 0; i < words.length; i++) {
      if ((name + " " + words[i]).trim().length > 40) return (name || words[i].slice(0, 40)) + "…";
      name = (name + " " + words[i]).trim();
    }
    return name;
  }

  function dropZone(target) {
    return target.closest && (target.closest("li.cluster") || target.closest("li.card") || target.closest("section.column"));
  }

  // The handle's tooltip is the page's, set on first hover: each card would repeat it.
  document.addEventListener("mouseover", function (event) {
    var handle = event.target.closest && event.target.closest(".drag-handle:not([title])");
    var live = byId("live");
    if (handle && live) handle.title = live.dataset.textDrag || "";
  });

  document.addEventListener("dragstart", function (event) {
    var handle = event.target.closest && event.target.closest(".drag-handle");
    var card = handle && handle.closest("li.card");
    if (!card) return;
    var id = card.id.slice(5);
    var ticked = selectedCards();
    dragged = { cards: ticked.indexOf(id) >= 0 ? ticked : [id], selection: ticked.indexOf(id) >= 0 };
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.querySelector(".card-text").textContent);
    event.dataTransfer.setDragImage(card, 16, 16);
    card.classList.add("dragging");
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var zone = dropZone(event.target);
    all(".drop-target").forEach(function (el) { if (el !== zone) el.classList.remove("drop-target"); });
    if (!zone || !dropCommand(event.target, dragged.cards)) return;
    event.preventDefault(); // this is a place to drop on
    event.dataTransfer.dropEffect = "move";
    zone.classList.add("drop-target");
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    event.preventDefault();
    var action = dropCommand(event.target, dragged.cards);
    var form = byId("drag-drop");
    if (!action || !form) return;
    var cards = action.with ? dragged.cards.concat([action.with]) : dragged.cards;
    form.elements.command.value = action.command;
    form.elements.cards.value = cards.join(",");
    form.elements.cluster.value = action.cluster || "";
    form.elements.column.value = action.column || "";
    form.elements.name.value = action.name || "";
    form.dataset.carriesSelection = dragged.selection ? "yes" : "no";
    form.requestSubmit();
  });

  document.addEventListener("dragend", function () {
    dragged = null;
    all(".dragging, .drop-target").forEach(function (el) { el.classList.remove("dragging", "drop-target"); });
  });

  // --- The countdowns ---------------------------------------------------------------------

  // Every `.countdown` ticks from its server deadline: a room's own timer (#timer, its
  // moderator's) and when the breakout ends (#breakout-clock, the organiser's). Neither
  // changes the other; each announces its own last minute and its end, in its own words.
  function secondsLeft(countdown) {
    if (countdown.dataset.state === "running") {
      return Math.max(0, Math.ceil((Number(countdown.dataset.deadlineMs) - (Date.now() + timerOffset)) / 1000));
    }
    if (countdown.dataset.state === "paused") return Number(countdown.dataset.secondsLeft || 0);
    return null;
  }

  function tickCountdown(countdown) {
    if (!countdown.dataset.received) {
      countdown.dataset.received = "yes";
      timerOffset = Number(countdown.dataset.serverNowMs || Date.now()) - Date.now();
    }
    var seconds = secondsLeft(countdown);
    if (seconds === null) return null;
    var clock = countdown.querySelector(".timer-clock");
    if (clock) clock.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    var up = seconds === 0;
    var status = countdown.querySelector(".timer-up");
    if (status) status.textContent = up ? countdown.dataset.textUp : "";
    var key = countdown.id + (countdown.dataset.deadlineMs || "paused");
    // The last minute is announced once, also when a slow or hidden tab skips second 60.
    if (seconds > 60) announced[key + "above"] = true;
    if (seconds <= 60 && seconds > 0 && announced[key + "above"] && !announced[key + "60"]) {
      announced[key + "60"] = true;
      announce(countdown.dataset.textMinute);
    }
    if (up && countdown.dataset.state === "running" && !announced[key + "0"]) { announced[key + "0"] = true; announce(countdown.dataset.textUp); }
    return seconds;
  }

  function tickTimer() {
    var timer = byId("timer");
    var seconds = null;
    all(".countdown").forEach(function (countdown) {
      var left = tickCountdown(countdown);
      if (countdown === timer) seconds = left;
    });
    // Only the room's own timer may make the board read-only (the room's setting).
    var live = byId("live");
    if (!live) return;
    var up = seconds === 0;
    live.dataset.timeUp = up && timer.dataset.readOnly === "yes" ? "read-only" : (up ? "yes" : "no");
  }
  setInterval(tickTimer, 1000);

  // Ctrl+Enter (Cmd+Enter) posts from the text field, as in chat tools.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    var form = event.target.closest && event.target.closest("form[ws-send]");
    if (form) { event.preventDefault(); form.requestSubmit(); }
  });


  // --- The plenary: own votes, banners, the way to one's room and back ---------------------

  var initialEnded = null; // the breakout end this room page was opened with
  var IDLE_MINUTES = 5;

  function plenary() {
    arrangeParts();
    markQuestions();
    sortQuestions();
    hideBanners();
    tickDashboard();
    followBreakout();
  }

  // What goes with the running item comes first (#agenda[data-focus], decided by the
  // server: one or more parts, in order), the others follow in their usual order (data-home). The elements move
  // in the page, so what one reads and tabs through is the order one sees.
  function arrangeParts() {
    var box = byId("plenary-parts");
    var agenda = byId("agenda");
    if (!box || !agenda) return;
    var focus = (agenda.dataset.focus || "").split(" ").filter(Boolean);
    var home = (box.dataset.home || "").split(" ");
    var order = focus.filter(function (p) { return home.indexOf(p) >= 0; })
      .concat(home.filter(function (p) { return focus.indexOf(p) < 0; }));
    var wanted = order.map(function (name) { return box.querySelector(":scope > [data-part='" + name + "']"); })
      .filter(Boolean);
    var current = all(":scope > [data-part]", box);
    current.forEach(function (part) { part.classList.toggle("is-focus", focus.indexOf(part.dataset.part) >= 0); });
    var same = wanted.length === current.length && wanted.every(function (el, i) { return current[i] === el; });
    if (!same) wanted.forEach(function (el) { box.appendChild(el); });
  }

  // Questions one supports are marked with text and a pressed button (which then takes
  // the support back); one's own questions say so. From #my-plenary, one's own part.
  function markQuestions() {
    var mine = byId("my-plenary");
    var voted = [];
    try { voted = JSON.parse((mine && mine.dataset.voted) || "[]"); } catch (e) { voted = []; }
    var me = mine && mine.dataset.me;
    all(".question").forEach(function (question) {
      var has = voted.indexOf(Number(question.dataset.question)) >= 0;
      question.classList.toggle("voted", has);
      question.classList.toggle("mine", Boolean(me) && question.dataset.author === me);
      var button = question.querySelector("button.support");
      if (button) {
        button.setAttribute("aria-pressed", has ? "true" : "false");
        button.value = has ? "unvote_question" : "vote_question";
      }
    });
  }

  // Each person's own order: most supported (the server's order) or newest first;
  // answered questions stay at the end either way.
  function sortQuestions() {
    var select = document.querySelector("[data-question-sort]");
    var order = select ? select.value : "popular";
    all("ol.questions").forEach(function (list) {
      var items = all(":scope > li.question", list);
      var sorted = items.slice().sort(function (a, b) {
        var key = function (q) {
          var answered = q.classList.contains("answered") ? 1 : 0;
          var id = Number(q.dataset.question);
          return order === "recent" ? [answered, -id] : [answered, -Number(q.dataset.votes || 0), id];
        };
        return compareKeys(key(a), key(b));
      });
      var same = sorted.every(function (el, i) { return items[i] === el; });
      if (!same) sorted.forEach(function (el) { list.appendChild(el); });
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-question-sort]")) sortQuestions();
  });

  function dismissed() {
    try { return JSON.parse(sessionStorage.getItem("plenum-dismissed") || "[]"); } catch (e) { return []; }
  }

  function hideBanners() {
    var gone = dismissed();
    var now = Date.now() + timerOffset;
    all(".banner").forEach(function (banner) {
      var expired = banner.dataset.expiresMs && Number(banner.dataset.expiresMs) <= now;
      banner.hidden = expired || gone.indexOf(banner.dataset.banner) >= 0;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-dismiss]");
    if (!button) return;
    var gone = dismissed();
    gone.push(button.dataset.dismiss);
    sessionStorage.setItem("plenum-dismissed", JSON.stringify(gone));
    hideBanners();
  });

  function tickDashboard() {
    var now = Date.now() + timerOffset;
    all(".summary").forEach(function (summary) {
      var idle = summary.querySelector(".idle-minutes");
      if (idle && summary.dataset.lastMs) {
        var minutes = Math.floor((now - Number(summary.dataset.lastMs)) / 60000);
        idle.textContent = idle.dataset.textMinutes.replace("{minutes}", Math.max(0, minutes));
        summary.classList.toggle("idle", minutes >= IDLE_MINUTES);
      }
      // The room's breakout end and its own timer, each from its own deadline.
      all("[data-deadline-ms] .clock", summary).forEach(function (clock) {
        var deadline = Number(clock.parentNode.dataset.deadlineMs);
        var seconds = Math.max(0, Math.ceil((deadline - now) / 1000));
        clock.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
      });
    });
  }

  // Breakouts opened: the plenary sends each person to their room, once per phase and tab
  // (someone who comes back to the plenary on purpose is not sent away again). A room whose
  // phase ended while its page was open sends everyone back to the plenary. A projector
  // stays where it is, whoever opened it.
  function followBreakout() {
    var live = byId("live");
    if (live && live.classList.contains("projector")) return;
    var mine = byId("my-plenary");
    if (mine && mine.dataset.go && mine.dataset.href) {
      var key = "plenum-went-" + mine.dataset.go;
      if (!sessionStorage.getItem(key)) {
        sessionStorage.setItem(key, "yes");
        window.location.assign(mine.dataset.href);
        return;
      }
    }
    var back = byId("breakout-return");
    if (!back || initialEnded === null) return;
    var ended = back.dataset.ended || "";
    if (ended && ended !== initialEnded && back.dataset.href) {
      initialEnded = ended;
      window.location.assign(back.dataset.href);
    }
  }

  // The organiser's CSV plan: the chosen file is read here into the plan field as it is;
  // only that text goes over the socket (the file field has no name), the server parses it.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches("input[type=file][data-fills]")) return;
    var field = byId(input.dataset.fills);
    var file = input.files && input.files[0];
    if (!field || !file) return;
    readText(file, function (text) {
      field.value = text;
      var status = byId(input.getAttribute("aria-describedby"));
      if (status) status.textContent = (input.dataset.textLoaded || "").replace("{name}", file.name);
    });
  });

  // UTF-8 (Excel's "CSV UTF-8"); a file that is not UTF-8 is read again as Windows-1252,
  // what Excel writes for "CSV (Trennzeichen-getrennt)", so "Jürgen" stays "Jürgen".
  function readText(file, done) {
    var reader = new FileReader();
    reader.onload = function () {
      var text = String(reader.result);
      if (text.indexOf("\uFFFD") < 0) { done(text); return; }
      var again = new FileReader();
      again.onload = function () { done(String(again.result)); };
      again.readAsText(file, "windows-1252");
    };
    reader.readAsText(file, "UTF-8");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var back = byId("breakout-return");
    initialEnded = back ? back.dataset.ended || "" : null;
  });
  setInterval(function () { hideBanners(); tickDashboard(); }, 1000);

  document.addEventListener("DOMContentLoaded", function () {
    refresh();
    announceRoomState(); // remembers the state the page came with; says nothing
    announceChanges();
  });
})();

/* Live voting on a round's page: votes through Socket.IO, the tally moves live.
   Without JavaScript (or when the socket is down) the vote forms post normally. */
(function () {
  "use strict";
  var root = document.getElementById("live-round");
  if (!root || typeof window.io !== "function") { return; }

  var eventId = parseInt(root.dataset.eventId, 10);
  var roundId = parseInt(root.dataset.roundId, 10);
  var status = root.dataset.status;
  var feedback = root.querySelector("[data-feedback]");
  var lastVersion = -1;
  var joined = false;

  var socket = window.io({ transports: ["websocket", "polling"] });

  /* Once a form of this page is sent (open, close, a vote without the socket) the page is
     leaving: a change of the round announced meanwhile must not reload it, as a reload would
     abort the form's navigation and lose its answer. */
  var leaving = false;
  window.addEventListener("beforeunload", function () { leaving = true; });
  window.addEventListener("pageshow", function () { leaving = false; });

  function refresh() {
    if (!leaving) { window.location.reload(); }
  }

  function setText(selector, value) {
    var node = root.querySelector(selector);
    if (node && value !== undefined && value !== null) { node.textContent = String(value); }
  }

  function show(message) {
    if (!message) { return; }
    if (!feedback) {
      feedback = document.createElement("p");
      feedback.setAttribute("role", "status");
      feedback.setAttribute("aria-live", "polite");
      root.appendChild(feedback);
    }
    feedback.textContent = message;
  }

  function applyTally(data) {
    if (!data || data.round_id !== roundId) { return; }
    if (data.status && data.status !== status) { refresh(); return; }
    if (data.version < lastVersion) { return; }  /* an older snapshot arrived late */
    lastVersion = data.version;
    setText("[data-total]", data.total);
    if (data.connected !== undefined) { setText("[data-connected]", data.connected); }
    if (data.tally) {
      root.querySelectorAll("[data-tally-idea]").forEach(function (node) {
        node.textContent = String(data.tally[node.dataset.tallyIdea] || 0);
      });
    }
  }

  socket.on("connect", function () {
    socket.emit("join", { event_id: eventId }, function (ack) {
      if (!ack || !ack.ok) { return; }
      joined = true;
      setText("[data-connected]", ack.connected);
      (ack.rounds || []).forEach(function (snapshot) {
        snapshot.connected = ack.connected;
        applyTally(snapshot);
      });
    });
  });
  socket.on("disconnect", function () { joined = false; });
  socket.on("tally", applyTally);
  socket.on("round", function (data) {
    if (data && data.round_id === roundId && data.status !== status) { refresh(); }
  });

  function markVoted(form) {
    var item = form.closest("li");
    if (item) { item.classList.add("voted"); }
    var button = form.querySelector("button");
    if (button) { button.setAttribute("aria-pressed", "true"); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("#live-round .vote-form")) { return; }
    if (!joined || !socket.connected) { return; }  /* the form posts as usual */
    event.preventDefault();
    var button = form.querySelector("button");
    var ideaId = parseInt(form.querySelector('input[name="idea_id"]').value, 10);
    if (button) { button.disabled = true; }
    socket.timeout(5000).emit("vote", { round_id: roundId, idea_id: ideaId },
      function (err, ack) {
        if (button) { button.disabled = false; }
        if (err || !ack) { form.submit(); return; }  /* no answer: let the server decide */
        show(ack.message);
        if (ack.ok) { markVoted(form); }
      });
  });
})();

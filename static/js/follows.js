/* "Follow": follow a need, an event, a project or a support structure in place (the form
   posts normally without JavaScript). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-follow]")) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    var field = form.querySelector('input[name="following"]');
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      field.value = data.following ? "0" : "1";
      button.setAttribute("aria-pressed", data.following ? "true" : "false");
      form.querySelector(".follow-label").textContent =
        data.following ? button.dataset.labelOn : button.dataset.labelOff;
    }).catch(function () {
      form.submit();  /* let the server answer (e.g. 429 page) */
    }).finally(function () {
      button.disabled = false;
    });
  });
})();

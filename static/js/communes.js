/* The commune fields as ARIA 1.2 comboboxes (list autocomplete): typing lists the communes of
   the department chosen; Down/Up move in the list, Enter or a click chooses, Escape closes.
   Without JavaScript the field is plain text, resolved by the server (a name or INSEE code). */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script.dataset.communesUrl;
  var found = script.dataset.found || "%(count)s";

  function enhance(input) {
    var form = input.form;
    var department = form && form.elements[input.dataset.departmentField || "department"];
    var listId = input.id + "-communes";
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    list.id = listId;
    list.className = "combobox-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.id = input.id + "-communes-status";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.parentNode.classList.add("combobox");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(option) {
      input.value = option.dataset.label;
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(communes) {
      list.textContent = "";
      options = communes.map(function (commune, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.label = commune.label;
        option.textContent = commune.label;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();  /* keep the focus in the field */
          choose(option);
        });
        list.appendChild(option);
        return option;
      });
      status.textContent = found.replace("%(count)s", communes.length);
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        active = -1;
      } else {
        close();
      }
    }

    function ask() {
      var text = input.value.trim();
      if (text.length < 2) { close(); return; }
      var query = new URLSearchParams({ q: text });
      if (department && department.value) { query.set("department", department.value); }
      asked += 1;
      var mine = asked;
      fetch(url + "?" + query.toString(), {
        headers: { "Accept": "application/json" }, credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.json() : [];
      }).then(function (communes) {
        if (mine === asked && document.activeElement === input) { show(communes); }
      }).catch(close);
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { ask(); return; }
        highlight(Math.min(active + 1, options.length - 1));
      } else if (event.key === "ArrowUp") {
        if (list.hidden) { return; }
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(options[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
    if (department) { department.addEventListener("change", close); }
  }

  document.querySelectorAll("input[data-commune-combobox]").forEach(enhance);
})();

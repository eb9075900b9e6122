/* ORD-3 order wizard: filter the catalogue by product line and show the live quote
   from orders:quote-preview (JSON). Without JavaScript the "Update quote" button
   re-renders the page with the same quote. No external dependencies. */
(function () {
  "use strict";
  var form = document.getElementById("order-form");
  var panel = document.getElementById("quote");
  if (!form || !panel || !window.fetch) { return; }
  var url = form.getAttribute("data-preview-url");
  var timer = null;
  var seq = 0;

  function currentLine() {
    var checked = form.querySelector("input[name=line]:checked");
    return checked ? checked.value : "";
  }

  function filterByLine() {
    var line = currentLine();
    form.querySelectorAll("[data-line]").forEach(function (el) {
      var show = !line || el.getAttribute("data-line") === line;
      // A checkbox option is wrapped in a label (and a div); hide the whole choice.
      var box = el.tagName === "OPTION" ? el : (el.closest("div") || el.parentNode);
      box.hidden = !show;
      if (el.tagName === "OPTION") { el.disabled = !show; if (!show && el.selected) { el.selected = false; } }
      else if (!show) { el.checked = false; }
    });
    form.querySelectorAll("[data-for-line]").forEach(function (el) {
      el.hidden = Boolean(line) && el.getAttribute("data-for-line") !== line;
    });
  }

  function params() {
    var p = new URLSearchParams();
    var line = currentLine();
    new FormData(form).forEach(function (value, key) {
      if (key === "csrfmiddlewaretoken" || key === "line" || key === "action" || value === "") { return; }
      var field = form.querySelector("[data-for-line] [name='" + key + "']");
      if (field && field.closest("[data-for-line]").getAttribute("data-for-line") !== line) { return; }
      p.append(key, value);
    });
    return p;
  }

  function message(text) {
    panel.textContent = "";
    var para = document.createElement("p");
    para.className = "muted";
    para.textContent = text;
    panel.appendChild(para);
  }

  function cell(tag, text) {
    var c = document.createElement(tag);
    c.textContent = text;
    return c;
  }

  function render(data) {
    panel.textContent = "";
    var table = document.createElement("table");
    table.className = "list";
    var head = table.createTHead().insertRow();
    var h1 = cell("th", "Item"); h1.scope = "col"; head.appendChild(h1);
    var h2 = cell("th", "Price"); h2.scope = "col"; head.appendChild(h2);
    var body = table.createTBody();
    data.lines.forEach(function (ln) {
      var row = body.insertRow();
      row.setAttribute("data-kind", ln.kind);
      row.appendChild(cell("td", ln.description));
      row.appendChild(cell("td", ln.amount_text));
    });
    var foot = table.createTFoot().insertRow();
    var t = cell("th", "Total"); t.scope = "row"; foot.appendChild(t);
    var total = document.createElement("td");
    total.appendChild(cell("strong", data.total_text));
    foot.appendChild(total);
    panel.appendChild(table);
  }

  function refresh() {
    var p = params();
    if (!p.get("source") || !p.get("target") || !p.get("records")) {
      message("Choose the platforms and the number of records (or pages) to see the price.");
      return;
    }
    var mine = ++seq;
    fetch(url + "?" + p.toString(), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (mine !== seq) { return; }  // a newer request answers later
        if (data.ok) { render(data); } else { message(data.message); }
      })
      .catch(function () { if (mine === seq) { message("The price could not be updated; use “Update quote”."); } });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }

  form.addEventListener("change", function (e) {
    if (e.target.name === "line") { filterByLine(); }
    schedule();
  });
  form.addEventListener("input", schedule);
  filterByLine();
  if (form.querySelector("[name=records]").value) { schedule(); }
})();

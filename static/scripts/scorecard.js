/* QA scorecards: create one (list page); edit items, try marks, approve,
 * retire, pin (editor page).  Scores come from the server's score(). */
(function () {
  "use strict";
  var cfg = ScriptsApi.config(), $ = function (id) { return document.getElementById(id); };
  function go(template, id) { window.location = template.replace(/\/0$/, "/" + id); }

  var create = $("new-scorecard");
  if (create) {
    create.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var v = create.elements.campaign_id.value;
      ScriptsApi.call("POST", cfg.create, {name: create.elements.name.value, campaign_id: v === "" ? null : Number(v)})
        .then(function (card) { go(cfg.editor, card.versions[0].id); })
        .catch(function (err) { create.querySelector(".form-error").textContent = err.message; });
    });
    return;
  }

  var L = cfg.labels, urls = cfg.urls, body = document.querySelector("#items tbody");
  function cell(row, node) { var td = document.createElement("td"); td.appendChild(node); row.appendChild(td); }
  function input(name, value, type) {
    var n = document.createElement("input");
    n.name = name; n.type = type || "text";
    if (type === "checkbox") { n.checked = !!value; n.style.width = "auto"; } else n.value = value;
    n.disabled = !cfg.editable && name !== "mark";
    return n;
  }
  function addRow(item) {
    var row = document.createElement("tr");
    cell(row, input("key", item.key || ""));
    cell(row, input("label", item.label || ""));
    cell(row, input("weight", item.weight === undefined ? 1 : item.weight, "number"));
    cell(row, input("auto_fail", item.auto_fail, "checkbox"));
    var mark = document.createElement("select");
    mark.name = "mark";
    [["1", "✓"], ["0", "✗"], ["0.5", "½"], ["", L.na]].forEach(function (o) {
      var opt = document.createElement("option"); opt.value = o[0]; opt.textContent = o[1]; mark.appendChild(opt);
    });
    cell(row, mark);
    if (cfg.editable) {
      var remove = document.createElement("button");
      remove.type = "button"; remove.className = "secondary"; remove.textContent = L.remove;
      remove.addEventListener("click", function () { row.remove(); });
      cell(row, remove);
    }
    body.appendChild(row);
  }
  (cfg.items || []).forEach(addRow);
  function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr")); }
  function field(row, name) { return row.querySelector('[name="' + name + '"]'); }
  function items() {
    return rows().map(function (r) {
      return {key: field(r, "key").value.trim(), label: field(r, "label").value.trim(),
              weight: Number(field(r, "weight").value || 0), auto_fail: field(r, "auto_fail").checked};
    });
  }
  function problems(list) {
    var out = $("problems"); out.textContent = "";
    (list || []).forEach(function (p) { var li = document.createElement("li"); li.textContent = p; out.appendChild(li); });
  }
  if ($("add-item")) $("add-item").addEventListener("click", function () { addRow({}); });
  if ($("save")) $("save").addEventListener("click", function () {
    $("save-error").textContent = "";
    ScriptsApi.call("PATCH", urls.update, {items: items(), pass_mark: Number($("pass-mark").value)})
      .then(function (p) { problems(p.problems); $("score-result").textContent = L.saved; })
      .catch(function (err) { $("save-error").textContent = err.message; });
  });
  $("try-score").addEventListener("click", function () {
    var marks = {};
    rows().forEach(function (r) {
      var v = field(r, "mark").value;
      marks[field(r, "key").value.trim()] = v === "" ? null : Number(v);
    });
    ScriptsApi.call("POST", urls.score, {marks: marks}).then(function (p) {
      $("score-result").textContent = L.total + ": " + p.total + " · " +
        (p.auto_failed ? L.auto_failed : (p.passed ? L.passed : L.not_passed));
    }).catch(function (err) { $("score-result").textContent = err.message; });
  });
  function form(id, url, build, done) {
    var f = $(id);
    if (!f) return;
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      ScriptsApi.call("POST", url(f), build(f)).then(function (p) { done(p, f); })
        .catch(function (err) { f.querySelector(".form-error").textContent = err.message; });
    });
  }
  var reload = function () { window.location.reload(); };
  form("approve-form", function () { return urls.approve; }, function (f) { return {note: f.elements.note.value}; }, reload);
  form("retire-form", function () { return urls.retire; }, function (f) { return {reason: f.elements.reason.value}; }, reload);
  form("pin-form", function (f) { return urls.pin.replace("/campaigns/0/", "/campaigns/" + f.elements.campaign_id.value + "/"); },
    function (f) { return {version_id: cfg.version_id, approval_note: f.elements.approval_note.value || null}; },
    function (p, f) { f.querySelector(".form-ok").textContent = L.pinned; });
  if ($("new-draft")) $("new-draft").addEventListener("click", function () {
    ScriptsApi.call("POST", urls.draft).then(function (v) { go(urls.editor, v.id); })
      .catch(function (err) { $("save-error").textContent = err.message; });
  });
})();

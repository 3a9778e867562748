/* Script version editor: content with live preview (rendered by the server,
 * the same function the agent console uses), questionnaire JSON/YAML with
 * validation messages and a live form preview (questionnaire.js), objection
 * answers, and the approve / retire / pin / new draft actions. */
(function () {
  "use strict";
  var cfg = ScriptsApi.config(), L = cfg.labels, urls = cfg.urls;
  var $ = function (id) { return document.getElementById(id); };
  var parsed = cfg.questionnaire, parseOk = true;

  function li(text) { var n = document.createElement("li"); n.textContent = text; return n; }
  function fail(node, err) { if (node) node.textContent = err.message; }

  /* ---- content preview ---- */
  var showPreview = ScriptsApi.debounce(function () {
    ScriptsApi.call("POST", urls.preview, {content: $("content").value}).then(function (p) {
      $("preview").innerHTML = p.html;  // built by the server from escaped text
      var info = [];
      info.push(p.lead_id ? L.sample_lead + " #" + p.lead_id : L.no_lead);
      if (p.missing.length) info.push(L.missing + " " + p.missing.join(", "));
      if (p.unknown_variables.length) info.push(L.unknown_variables + " " + p.unknown_variables.join(", "));
      $("preview-info").textContent = info.join(" · ");
    }).catch(function (err) { $("preview-info").textContent = err.message; });
  }, 400);
  $("content").addEventListener("input", showPreview);
  showPreview();

  /* ---- questionnaire ---- */
  var qText = $("questionnaire");
  qText.value = JSON.stringify(cfg.questionnaire || {}, null, 2);
  function drawQuestionnaire() {
    Questionnaire.render($("q-preview"), parsed || {}, {labels: L});
  }
  function showIssues(list) {
    var out = $("q-issues");
    out.textContent = "";
    if (!list.length) { out.appendChild(li(L.no_issues)); out.className = "ok-note"; return; }
    out.className = "issues";
    list.forEach(function (i) { out.appendChild(li((i.path ? i.path + ": " : "") + i.text)); });
  }
  var parseQuestionnaire = ScriptsApi.debounce(function () {
    ScriptsApi.call("POST", urls.parse, {text: qText.value, format: $("q-format").value}).then(function (p) {
      parseOk = p.questionnaire !== null;
      if (parseOk) { parsed = p.questionnaire; drawQuestionnaire(); }
      showIssues(p.issues);
    }).catch(function (err) {
      parseOk = false;
      showIssues([{path: "", text: err.message}]);
    });
  }, 400);
  qText.addEventListener("input", parseQuestionnaire);
  $("q-format").addEventListener("change", function () {
    // JSON is valid YAML, so switching to YAML keeps the text; back to JSON rewrites it.
    if ($("q-format").value === "json" && parseOk) qText.value = JSON.stringify(parsed || {}, null, 2);
    parseQuestionnaire();
  });
  drawQuestionnaire();
  if (cfg.editable) parseQuestionnaire();

  /* ---- objection answers ---- */
  var box = $("objections");
  function objectionRow(item) {
    var row = document.createElement("div");
    row.className = "objection-row";
    [["objection", L.objection, item.objection], ["answer", L.answer, item.answer],
     ["tags", L.tags, (item.tags || []).join(", ")]].forEach(function (f) {
      var input = document.createElement(f[0] === "answer" ? "textarea" : "input");
      input.name = f[0]; input.placeholder = f[1]; input.value = f[2] || "";
      input.readOnly = !cfg.editable; input.rows = 2;
      row.appendChild(input);
    });
    if (cfg.editable) {
      var remove = document.createElement("button");
      remove.type = "button"; remove.className = "secondary"; remove.textContent = L.remove;
      remove.addEventListener("click", function () { row.remove(); });
      row.appendChild(remove);
    }
    box.appendChild(row);
  }
  (cfg.objections || []).forEach(objectionRow);
  if ($("add-objection")) $("add-objection").addEventListener("click", function () { objectionRow({}); });
  function objections() {
    return Array.prototype.map.call(box.querySelectorAll(".objection-row"), function (row) {
      var get = function (n) { return row.querySelector('[name="' + n + '"]').value.trim(); };
      return {objection: get("objection"), answer: get("answer"),
              tags: get("tags").split(/[,，、]/).map(function (t) { return t.trim(); }).filter(Boolean)};
    }).filter(function (o) { return o.objection || o.answer; });
  }

  /* ---- approval check ---- */
  function showCheck(p) {
    var out = $("approval-check");
    if (!out) return;
    out.textContent = "";
    var list = document.createElement("ul");
    list.className = "issues";
    if (p.unknown_variables.length) list.appendChild(li(L.unknown_variables + " " + p.unknown_variables.join(", ")));
    if (p.questionnaire_issues.length) list.appendChild(li(L.questionnaire_problems + " " + p.questionnaire_issues.length));
    if (!list.children.length) { out.className = "ok-note"; out.textContent = L.ready; return; }
    out.appendChild(list);
  }
  if ($("approval-check")) ScriptsApi.call("GET", urls.check).then(showCheck).catch(function () {});

  /* ---- actions ---- */
  if ($("save")) $("save").addEventListener("click", function () {
    $("save-error").textContent = ""; $("saved").textContent = "";
    var body = {content: $("content").value, objections: objections(), change_note: $("change-note").value};
    if (parseOk) body.questionnaire = parsed || {};
    ScriptsApi.call("PATCH", urls.update, body).then(function (p) {
      $("saved").textContent = L.saved;
      showIssues(p.questionnaire_issues);
      showCheck(p);
    }).catch(function (err) { fail($("save-error"), err); });
  });
  function form(id, url, build, done) {
    var f = $(id);
    if (!f) return;
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      f.querySelector(".form-error").textContent = "";
      ScriptsApi.call("POST", url(f), build(f)).then(function (p) { done(p, f); })
        .catch(function (err) { fail(f.querySelector(".form-error"), err); });
    });
  }
  var reload = function () { window.location.reload(); };
  form("approve-form", function () { return urls.approve; }, function (f) {
    return {client_approver: f.elements.client_approver.value, note: f.elements.note.value,
            acknowledge_unknown_variables: f.elements.acknowledge.checked};
  }, reload);
  form("retire-form", function () { return urls.retire; }, function (f) {
    return {reason: f.elements.reason.value};
  }, reload);
  form("pin-form", function (f) { return urls.pin.replace("/campaigns/0/", "/campaigns/" + f.elements.campaign_id.value + "/"); },
    function (f) { return {version_id: cfg.version_id, approval_note: f.elements.approval_note.value || null}; },
    function (p, f) { f.querySelector(".form-ok").textContent = L.pinned; });
  if ($("new-draft")) $("new-draft").addEventListener("click", function () {
    ScriptsApi.call("POST", urls.draft, {}).then(function (v) {
      window.location = urls.editor.replace(/\/0$/, "/" + v.id);
    }).catch(function (err) { fail($("save-error"), err); });
  });
})();

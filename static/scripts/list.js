/* Script list page: create a script, import a document; both open the editor. */
(function () {
  "use strict";
  var cfg = ScriptsApi.config();
  function editorUrl(versionId) { return cfg.editor_url.replace(/\/0$/, "/" + versionId); }
  function campaignId(form) {
    var v = form.elements.campaign_id.value;
    return v === "" ? null : Number(v);
  }
  function wire(formId, build, url, pickVersion) {
    var form = document.getElementById(formId);
    if (!form) return;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var out = form.querySelector(".form-error");
      out.textContent = "";
      ScriptsApi.call("POST", url, build(form)).then(function (payload) {
        window.location = editorUrl(pickVersion(payload));
      }).catch(function (err) { out.textContent = err.message; });
    });
  }
  wire("new-script", function (f) {
    return {name: f.elements.name.value, description: f.elements.description.value, campaign_id: campaignId(f)};
  }, cfg.scripts_url, function (p) { return p.versions[0].id; });
  wire("import-script", function (f) {
    return {document: f.elements.document.value, format: f.elements.format.value, campaign_id: campaignId(f)};
  }, cfg.import_url, function (p) { return p.version_id; });
})();

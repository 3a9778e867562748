/* Forms that ask a worker for something (a report, a bundle): post the form's
 * fields as JSON to the page's API URL and say that it is queued. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("page-config").textContent);
  var form = document.querySelector("form[id$='-form']");
  var message = form && form.querySelector("[id$='-msg']");
  if (!form) return;
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var body = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.value === "") return;
      body[el.name] = el.name === "campaign_id" ? parseInt(el.value, 10) : el.value;
    });
    var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
    fetch(config.url, {method: "POST", credentials: "same-origin", body: JSON.stringify(body),
                       headers: {"Content-Type": "application/json", "X-CSRFToken": token}})
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (payload) {
          if (!response.ok) {
            var parts = [];
            Object.values((payload && payload.errors) || {}).forEach(function (v) { parts = parts.concat(v); });
            throw new Error(parts.join(" · ") || ("HTTP " + response.status));
          }
          message.textContent = config.queued;
        });
      })
      .catch(function (err) { message.textContent = err.message; });
  });
})();

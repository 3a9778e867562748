/* JSON API calls from the scripts pages: CSRF header, JSON in and out,
 * errors flattened to one readable line. */
(function (root) {
  "use strict";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  function errorText(payload, status) {
    if (!payload || !payload.errors) return "HTTP " + status;
    var parts = [];
    Object.keys(payload.errors).forEach(function (field) {
      var value = payload.errors[field];
      (Array.isArray(value) ? value : [value]).forEach(function (m) {
        parts.push(typeof m === "string" ? m : (m && m.text) || JSON.stringify(m));
      });
    });
    return parts.join(" · ");
  }
  function call(method, url, body) {
    var init = {method: method, headers: {"X-CSRFToken": csrf(), "Accept": "application/json"},
                credentials: "same-origin"};
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (payload) {
        if (!response.ok) {
          var error = new Error(errorText(payload, response.status));
          error.payload = payload; error.status = response.status;
          throw error;
        }
        return payload;
      });
    });
  }
  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }
  function config(id) {
    var node = document.getElementById(id || "page-config");
    return node ? JSON.parse(node.textContent) : {};
  }
  root.ScriptsApi = {call: call, debounce: debounce, config: config, errorText: errorText};
})(this);

/* The recording player page: seek from comments, QA marks and comments,
 * legal hold and archive buttons, all through the JSON API. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("page-config").textContent);
  var player = document.getElementById("player");
  var reviewId = config.review;

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  function call(method, url, body) {
    var init = {method: method, credentials: "same-origin",
                headers: {"X-CSRFToken": csrf(), "Accept": "application/json"}};
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (payload) {
        if (!response.ok) {
          var parts = [];
          Object.values((payload && payload.errors) || {}).forEach(function (v) { parts = parts.concat(v); });
          throw new Error(parts.join(" · ") || ("HTTP " + response.status));
        }
        return payload;
      });
    });
  }
  function reviewUrl(suffix) {
    return config.reviewUrl.replace(/\/0$/, "/" + reviewId) + (suffix || "");
  }
  function ensureReview() {
    if (reviewId) return Promise.resolve(reviewId);
    return call("POST", config.start).then(function (review) { reviewId = review.id; return reviewId; });
  }
  function show(id, text) { var el = document.getElementById(id); if (el) el.textContent = text; }
  function fmt(seconds) {
    var s = Math.floor(seconds);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function parseMark(value) {
    if (value === "true") return true;
    if (value === "false") return false;
    if (value === "null") return null;
    return parseFloat(value);
  }

  document.getElementById("comments") && document.getElementById("comments").addEventListener("click", function (e) {
    var link = e.target.closest("a[data-at]");
    if (!link || !player) return;
    e.preventDefault();
    player.currentTime = parseFloat(link.dataset.at);
    player.play();
  });

  function save(finish) {
    var marks = {};
    document.querySelectorAll("#items tr[data-key]").forEach(function (row) {
      var value = row.querySelector("select").value;
      if (value !== "") marks[row.dataset.key] = parseMark(value);
    });
    var body = {marks: marks, finish: finish};
    var optout = document.getElementById("optout");
    if (optout && optout.checked) body.optout_verified = true;
    show("review-msg", "");
    return ensureReview().then(function () { return call("PUT", reviewUrl(), body); }).then(function (review) {
      show("review-total", review.total === null ? "—" : review.total.toFixed(2));
      show("review-status", review.status === "final" ? config.messages.final : config.messages.draft);
      document.getElementById("review-failed").hidden = !review.auto_failed;
      show("review-msg", config.messages.saved);
      if (review.status === "final") {
        document.querySelectorAll("#qa-panel select, #optout, #save-review, #finish-review")
          .forEach(function (el) { el.disabled = true; });
      }
    }).catch(function (err) { show("review-msg", err.message); });
  }
  var saveButton = document.getElementById("save-review");
  if (saveButton) saveButton.addEventListener("click", function () { save(false); });
  var finishButton = document.getElementById("finish-review");
  if (finishButton) finishButton.addEventListener("click", function () { save(true); });

  var form = document.getElementById("comment-form");
  if (form) form.addEventListener("submit", function (e) {
    e.preventDefault();
    var at = player ? player.currentTime : 0;
    var text = form.elements.text.value;
    ensureReview().then(function () {
      return call("POST", reviewUrl("/comments"), {at_seconds: at, text: text});
    }).then(function (comment) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#"; link.dataset.at = comment.at_seconds; link.textContent = fmt(comment.at_seconds);
      li.appendChild(link);
      li.appendChild(document.createTextNode(" " + comment.text));
      document.getElementById("comments").appendChild(li);
      form.reset();
    }).catch(function (err) { show("review-msg", err.message); });
  });

  var hold = document.getElementById("legal-hold");
  if (hold) hold.addEventListener("change", function () {
    var reason = window.prompt(config.messages.holdReason);
    if (!reason) { hold.checked = !hold.checked; return; }
    call("POST", config.holdUrl, {legal_hold: hold.checked, reason: reason})
      .then(function () { show("operate-msg", config.messages.saved); })
      .catch(function (err) { hold.checked = !hold.checked; show("operate-msg", err.message); });
  });
  var archive = document.getElementById("archive-now");
  if (archive) archive.addEventListener("click", function () {
    call("POST", config.archiveUrl).then(function () { show("operate-msg", config.messages.queued); })
      .catch(function (err) { show("operate-msg", err.message); });
  });
})();

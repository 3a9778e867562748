/* Questionnaire (调查问卷) rules and rendering for the agent console and the
 * script editor's preview.
 *
 * QuestionnaireRules is the same branching as scripts_mgmt/questionnaire/
 * branching.py (see its docstring for the rules); tests run shared cases
 * through both.  Keep the two in step: change one, change the other.
 *
 * QuestionnaireForm.render(container, questionnaire, options) draws the
 * visible questions from the JSON and redraws when an answer changes.
 * options: {answers, readOnly, labels, onChange(answers, walk)}.
 * The server checks the answers again (scripts_mgmt/questionnaire/answers.py).
 */
(function (root) {
  "use strict";

  var END = "end";

  function isEmpty(v) {
    if (v === null || v === undefined) return true;
    if (typeof v === "string") return v.trim() === "";
    if (Array.isArray(v)) return v.length === 0;
    return false;
  }

  function isNumber(v) { return typeof v === "number" && isFinite(v); }

  function same(a, b) {
    if (typeof a === "boolean" || typeof b === "boolean") {
      return typeof a === "boolean" && typeof b === "boolean" && a === b;
    }
    if (isNumber(a) && isNumber(b)) return a === b;
    if (typeof a === "string" && typeof b === "string") return a === b;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) return false;
      for (var i = 0; i < a.length; i++) { if (!same(a[i], b[i])) return false; }
      return true;
    }
    return false;
  }

  function oneOf(answer, values) {
    if (!Array.isArray(values)) return false;
    var chosen = Array.isArray(answer) ? answer : [answer];
    return chosen.some(function (c) { return values.some(function (v) { return same(c, v); }); });
  }

  function order(op, a, b) {
    if (!((isNumber(a) && isNumber(b)) || (typeof a === "string" && typeof b === "string"))) return false;
    if (op === "gt") return a > b;
    if (op === "gte") return a >= b;
    if (op === "lt") return a < b;
    return a <= b;
  }

  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }

  function evaluate(cond, known) {
    if (!isObject(cond)) return false;
    if (has(cond, "all")) {
      return Array.isArray(cond.all) && cond.all.every(function (c) { return evaluate(c, known); });
    }
    if (has(cond, "any")) {
      return Array.isArray(cond.any) && cond.any.some(function (c) { return evaluate(c, known); });
    }
    if (has(cond, "not")) return !evaluate(cond.not, known);
    var key = cond.question, op = cond.op;
    var present = typeof key === "string" && has(known, key);
    if (op === "answered") return present;
    if (op === "not_answered") return !present;
    if (!present) return false;
    var answer = known[key], value = has(cond, "value") ? cond.value : null;
    switch (op) {
      case "equals": return same(answer, value);
      case "not_equals": return !same(answer, value);
      case "in": return oneOf(answer, value);
      case "not_in": return Array.isArray(value) && !oneOf(answer, value);
      case "contains":
        if (Array.isArray(answer)) return answer.some(function (x) { return same(x, value); });
        return typeof answer === "string" && typeof value === "string" && answer.indexOf(value) !== -1;
      case "gt": case "gte": case "lt": case "lte": return order(op, answer, value);
      default: return false;
    }
  }

  function sectionsOf(q) {
    if (!isObject(q) || !Array.isArray(q.sections)) return [];
    return q.sections.filter(isObject);
  }
  function listOf(section, name) {
    return Array.isArray(section[name]) ? section[name].filter(isObject) : [];
  }

  function nextIndex(secs, index, known, byKey) {
    var rules = listOf(secs[index], "next");
    for (var i = 0; i < rules.length; i++) {
      var rule = rules[i];
      var cond = has(rule, "if") ? rule["if"] : null;
      if (cond === null || evaluate(cond, known)) {
        if (rule.goto === END) return null;
        return typeof rule.goto === "string" && has(byKey, rule.goto) ? byKey[rule.goto] : null;
      }
    }
    return index + 1 < secs.length ? index + 1 : null;
  }

  /* {path: [section keys], visible: [question keys], known: {key: answer}} */
  function walk(questionnaire, answers) {
    answers = isObject(answers) ? answers : {};
    var secs = sectionsOf(questionnaire), byKey = {};
    secs.forEach(function (s, i) { if (typeof s.key === "string") byKey[s.key] = i; });
    var result = {path: [], visible: [], known: {}};
    var index = secs.length ? 0 : null, seen = {};
    while (index !== null && !seen[index]) {
      seen[index] = true;
      var section = secs[index];
      result.path.push(has(section, "key") ? section.key : null);
      listOf(section, "questions").forEach(function (question) {
        var key = question.key;
        if (typeof key !== "string") return;
        var cond = has(question, "show_if") ? question.show_if : null;
        if (cond === null || evaluate(cond, result.known)) {
          result.visible.push(key);
          if (has(answers, key) && !isEmpty(answers[key])) result.known[key] = answers[key];
        }
      });
      index = nextIndex(secs, index, result.known, byKey);
    }
    return result;
  }

  var Rules = {isEmpty: isEmpty, same: same, evaluate: evaluate, walk: walk};

  /* ---- rendering (browser only) ------------------------------------- */
  var DEFAULT_LABELS = {required: "required", yes: "Yes", no: "No", empty: "No questionnaire."};

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function inputFor(question, value, readOnly, set) {
    var type = question.type, name = "q-" + question.key, wrap = el("div", {"class": "q-input"});
    var options = Array.isArray(question.options) ? question.options.filter(isObject) : [];
    function choice(kind, optValue, label, checked, handler) {
      var lab = el("label", {"class": "q-option"});
      var box = el("input", {type: kind, name: name});
      box.checked = checked; box.disabled = readOnly;
      box.addEventListener("change", handler);
      lab.appendChild(box); lab.appendChild(document.createTextNode(" " + label));
      return lab;
    }
    if (type === "single") {
      options.forEach(function (o) {
        wrap.appendChild(choice("radio", o.value, o.label || o.value, same(value, o.value),
          function () { set(o.value); }));
      });
    } else if (type === "multiple") {
      var chosen = Array.isArray(value) ? value.slice() : [];
      options.forEach(function (o) {
        wrap.appendChild(choice("checkbox", o.value, o.label || o.value, chosen.indexOf(o.value) !== -1,
          function (ev) {
            var now = options.map(function (x) { return x.value; }).filter(function (v) {
              return v === o.value ? ev.target.checked : chosen.indexOf(v) !== -1;
            });
            set(now);
          }));
      });
    } else if (type === "yes_no") {
      wrap.appendChild(choice("radio", true, set.labels.yes, value === true, function () { set(true); }));
      wrap.appendChild(choice("radio", false, set.labels.no, value === false, function () { set(false); }));
    } else if (type === "rating") {
      var lo = isNumber(question.min) ? question.min : 1, hi = isNumber(question.max) ? question.max : 5;
      for (var r = lo; r <= hi && r - lo < 20; r++) {
        (function (n) {
          wrap.appendChild(choice("radio", n, String(n), value === n, function () { set(n); }));
        })(r);
      }
    } else {
      var input = el(type === "text" && (question.max || 0) > 200 ? "textarea" : "input", {name: name});
      if (type === "number") input.type = "number";
      if (type === "date") input.type = "date";
      if (type === "number" || type === "date") {
        if (question.min !== undefined) input.min = question.min;
        if (question.max !== undefined) input.max = question.max;
      }
      if (type === "text" && typeof question.pattern === "string") input.pattern = question.pattern;
      input.value = value === undefined || value === null ? "" : value;
      input.disabled = readOnly;
      input.addEventListener("change", function () {
        if (type === "number") set(input.value === "" ? null : Number(input.value));
        else set(input.value);
      });
      wrap.appendChild(input);
    }
    return wrap;
  }

  function render(container, questionnaire, options) {
    options = options || {};
    var labels = Object.assign({}, DEFAULT_LABELS, options.labels || {});
    var answers = Object.assign({}, options.answers || {});
    function draw() {
      var result = walk(questionnaire, answers);
      container.textContent = "";
      var secs = sectionsOf(questionnaire), byKey = {};
      secs.forEach(function (s) { byKey[s.key] = s; });
      if (!secs.length) { container.appendChild(el("p", {"class": "muted"}, labels.empty)); }
      var visible = {};
      result.visible.forEach(function (k) { visible[k] = true; });
      result.path.forEach(function (sectionKey) {
        var section = byKey[sectionKey];
        if (!section) return;
        var box = el("fieldset", {"class": "q-section", "data-section": sectionKey});
        box.appendChild(el("legend", {}, section.title || sectionKey));
        listOf(section, "questions").forEach(function (question) {
          if (!visible[question.key]) return;
          var row = el("div", {"class": "q-question", "data-question": question.key});
          var label = el("div", {"class": "q-label"}, question.label || question.key);
          if (question.required === true) label.appendChild(el("span", {"class": "q-required"}, " *" + labels.required));
          row.appendChild(label);
          if (question.help) row.appendChild(el("div", {"class": "q-help muted"}, question.help));
          var set = function (v) {
            answers[question.key] = v;
            draw();
            if (options.onChange) options.onChange(answers, walk(questionnaire, answers));
          };
          set.labels = labels;
          row.appendChild(inputFor(question, answers[question.key], !!options.readOnly, set));
          box.appendChild(row);
        });
        container.appendChild(box);
      });
      return result;
    }
    draw();
    return {
      answers: function () { return Object.assign({}, answers); },
      /* only the answers of shown questions: what the server keeps */
      visibleAnswers: function () { return walk(questionnaire, answers).known; }
    };
  }

  var api = {Rules: Rules, render: render};
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.Questionnaire = api;
})(this);

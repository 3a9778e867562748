/* The agent console: live state from the event stream, commands to the
 * pod, the screen pop of a bridged call, the disposition form (its draft
 * kept in localStorage per call, so a reload loses nothing), preview and
 * manual dialling, the keypad and disposition hotkeys.  Screen-pop timing
 * (bridge → drawn) goes to window.consoleScreenPops and the metrics API. */
import {api, atMillis, clock, el, fill, labels as readLabels, openStream} from "./common.js";

const API = "/api/v1/console";
const L = readLabels("console-labels");
const $ = (id) => document.getElementById(id);
const DRAFT = "console:draft:";
const SENT = "console:sent:";  // dispositions stored, kept until the pod has moved on
const DRAFT_DAYS = 2;

const app = {
  live: null,          // the agent's live hash (typed), from the stream
  info: null,          // /state: agent, wanted, connect, campaign
  skewMs: 0,           // server clock − browser clock
  pop: null,           // {uuid, data, form, bridgedMs, ended, disposed}
  previewLead: null,
};
window.consoleScreenPops = [];
window.consoleApp = app;

/* ---- helpers ----------------------------------------------------------- */
function serverNow() { return Date.now() + app.skewMs; }

function showError(node, error) {
  node.textContent = error ? (error.message || String(error)) : "";
}

async function command(body) {
  showError($("command-error"), null);
  try {
    return await api("POST", `${API}/commands`, body);
  } catch (error) {
    showError($("command-error"), error);
    return null;
  }
}

function campaign() { return app.info && app.info.campaign; }

function fillReasons(select) {
  select.textContent = "";
  const reasons = (campaign() && campaign().pause_reasons) || [];
  reasons.forEach((r) => select.appendChild(el("option", {value: r.code}, r.label)));
}

/* ---- state ------------------------------------------------------------- */
async function loadState() {
  const before = Date.now();
  const info = await api("GET", `${API}/state`);
  app.skewMs = info.server_time * 1000 - (before + Date.now()) / 2;
  app.info = info;
  fillReasons($("pause-reason"));
  fillReasons($("next-reason"));
  $("campaign-name").textContent = campaign() ? campaign().name : "";
  if (!app.live) onState(info.live);
  else renderStatus();
}

async function loadCampaigns() {
  const {items} = await api("GET", `${API}/campaigns`);
  const select = $("campaign-select");
  select.textContent = "";
  items.forEach((c) => {
    const option = el("option", {value: c.id, disabled: !c.pickable}, `${c.code} · ${c.name}`);
    select.appendChild(option);
  });
  const current = (app.live && app.live.campaign_id) || (app.info && app.info.wanted && app.info.wanted.campaign_id);
  if (current) select.value = String(current);
  if (app.info && app.info.wanted) {
    const radio = document.querySelector(`input[name="method"][value="${app.info.wanted.method}"]`);
    if (radio) radio.checked = true;
  }
}

function renderStatus() {
  const s = app.live || {state: "offline"};
  const pill = $("state-pill");
  pill.dataset.state = s.state;
  pill.textContent = L.states[s.state] || s.state;
  const reasons = (campaign() && campaign().pause_reasons) || [];
  const reason = reasons.find((r) => r.code === s.reason);
  $("state-reason").textContent = s.state === "paused" && s.reason ? (reason ? reason.label : s.reason) : "";
  const connected = !!s.connected;
  const phone = $("softphone");
  phone.dataset.connected = String(connected);
  phone.textContent = connected ? L.connected : L.disconnected;
  $("connect-help").textContent = connected ? "" : connectHelp();
  const busy = s.state === "talking" || s.state === "wrapup";
  const pending = app.pop && !app.pop.disposed;
  $("btn-ready").disabled = !connected || busy || pending || s.state === "ready";
  $("btn-pause").disabled = !connected || s.state === "talking" || s.state === "paused";
  $("btn-hangup").disabled = !connected || s.state !== "talking";
  $("btn-manual").disabled = !connected || busy || pending;
  $("btn-logout").disabled = !connected || busy;
  document.querySelectorAll("#keypad button").forEach((b) => { b.disabled = !connected || s.state !== "talking"; });
  $("idle").hidden = !!app.pop || s.state === "preview";
  $("idle-text").textContent = campaign() ? (L.states[s.state] || s.state) : L.no_campaign;
}

function connectHelp() {
  const info = app.info;
  if (!info) return "";
  const wanted = info.wanted;
  if (wanted && wanted.method === "pod_calls" && info.connect.softphone_uri) {
    return fill(L.connect_call, {uri: info.connect.softphone_uri});
  }
  if (!info.connect.pin) return L.no_pin;
  if (!info.connect.sip.length) return L.no_pod + " " + fill(L.connect_pin, {sip: "—", pin: info.connect.pin});
  return fill(L.connect_pin, {sip: info.connect.sip.join(" / "), pin: info.connect.pin});
}

function onState(s) {
  if (!s) return;
  s.connected = s.connected !== undefined ? !!s.connected : s.softphone === "connected";
  ["campaign_id", "lead_id"].forEach((k) => { s[k] = s[k] === "" || s[k] == null ? null : Number(s[k]); });
  ["since", "wrapup_deadline"].forEach((k) => { s[k] = s[k] === "" || s[k] == null ? null : Number(s[k]); });
  if (s.attempt_uuid === "") s.attempt_uuid = null;
  const campaignChanged = app.live && app.live.campaign_id !== s.campaign_id;
  app.live = s;
  if (campaignChanged || (s.campaign_id && (!campaign() || campaign().id !== s.campaign_id))) {
    loadState().catch(() => {});
  }
  const onCall = s.state === "talking" || s.state === "wrapup";
  const sent = s.attempt_uuid ? readSent(s.attempt_uuid) : null;
  if (sent) {
    // Disposed already (perhaps while still talking): the pod is told again
    // once the call is in wrap-up, as a pod acts on wrapup_done only then.
    if (s.state === "wrapup") resendDisposition(s.attempt_uuid, sent);
  } else if (onCall && s.attempt_uuid && (!app.pop || app.pop.uuid !== s.attempt_uuid)) {
    loadPop(s.attempt_uuid, null, s.state === "wrapup");
  } else if (!onCall && app.pop && (app.pop.disposed || app.pop.uuid !== s.attempt_uuid)) {
    closePop();
  } else if (app.pop && s.state === "wrapup") {
    markEnded();
  }
  if (s.state === "preview" && s.lead_id) showPreview(s.lead_id);
  else hidePreview();
  renderStatus();
}

/* ---- the screen pop ----------------------------------------------------- */
function dl(node, lead) {
  node.textContent = "";
  if (!lead) return;
  const rows = [["name", lead.name], ["phone", lead.phone], ["geo", lead.geo],
                ["local_time", `${lead.local_time} (${lead.timezone})`], ["attempt_count", lead.attempt_count],
                ["last_outcome", lead.last_outcome]];
  Object.entries(lead.fields || {}).forEach(([k, v]) => rows.push([k, v]));
  rows.forEach(([k, v]) => {
    if (v === null || v === undefined || v === "") return;
    node.appendChild(el("dt", {}, L.fields[k] || k));
    node.appendChild(el("dd", {"data-field": k}, typeof v === "object" ? JSON.stringify(v) : v));
  });
}

function readDraft(uuid) {
  try { return JSON.parse(localStorage.getItem(DRAFT + uuid)) || {}; } catch (e) { return {}; }
}

function saveDraft() {
  const pop = app.pop;
  if (!pop || pop.disposed) return;
  const form = $("disposition-form");
  const chosen = form.querySelector('input[name="disposition"]:checked');
  const draft = {
    saved: Date.now(),
    disposition: chosen ? chosen.value : null,
    answers: pop.form ? pop.form.answers() : {},
    note: $("note").value,
    callback_at: $("callback-at").value,
    next: form.querySelector('input[name="next"]:checked').value,
    reason: $("next-reason").value,
  };
  localStorage.setItem(DRAFT + pop.uuid, JSON.stringify(draft));
}

function readSent(uuid) {
  try { return (JSON.parse(localStorage.getItem(SENT + uuid)) || {}).body || null; } catch (e) { return null; }
}

let resending = null;
async function resendDisposition(uuid, body) {
  if (resending === uuid) return;
  resending = uuid;
  try {
    await api("POST", `${API}/calls/${encodeURIComponent(uuid)}/disposition`, body);
  } catch (error) {
    showError($("command-error"), error);
  } finally {
    setTimeout(() => { if (resending === uuid) resending = null; }, 3000);
  }
}

function pruneDrafts() {
  const old = Date.now() - DRAFT_DAYS * 86400000;
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const key = localStorage.key(i);
    if (!key || !(key.startsWith(DRAFT) || key.startsWith(SENT))) continue;
    try {
      if ((JSON.parse(localStorage.getItem(key)) || {}).saved < old) localStorage.removeItem(key);
    } catch (e) { localStorage.removeItem(key); }
  }
}

function renderDispositions(list, draft) {
  const box = $("dispositions");
  box.textContent = "";
  list.forEach((d) => {
    const label = el("label", {"class": "disposition", "data-code": d.code});
    const input = el("input", {type: "radio", name: "disposition", value: d.code});
    input.checked = draft.disposition === d.code;
    label.appendChild(input);
    label.appendChild(document.createTextNode(" " + d.label));
    if (d.hotkey) label.appendChild(el("kbd", {}, d.hotkey));
    box.appendChild(label);
  });
  updateCallbackRow();
}

function chosenDisposition() {
  const chosen = document.querySelector('#dispositions input[name="disposition"]:checked');
  if (!chosen || !app.pop) return null;
  return app.pop.data.dispositions.find((d) => d.code === chosen.value) || null;
}

function updateCallbackRow() {
  const d = chosenDisposition();
  $("callback-row").hidden = !(d && d.is_callback);
}

function renderObjections(items) {
  const list = $("objections");
  list.textContent = "";
  if (!items.length) list.appendChild(el("li", {"class": "muted"}, L.no_objections));
  items.forEach((o) => {
    const li = el("li", {});
    li.appendChild(el("strong", {}, o.objection));
    li.appendChild(el("p", {}, o.answer));
    list.appendChild(li);
  });
}

let searchTimer = null;
function searchObjections() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(async () => {
    if (!app.pop) return;
    const q = $("objection-search").value;
    const {items} = await api("GET", `${API}/calls/${encodeURIComponent(app.pop.uuid)}/objections?q=${encodeURIComponent(q)}`);
    renderObjections(items);
  }, 150);
}

async function loadPop(uuid, timing, ended) {
  if (app.pop && app.pop.uuid === uuid) {
    // Already loading or drawn (the state event may come before the bridge event).
    if (timing && !app.pop.timing) {
      app.pop.timing = timing;
      if (app.pop.drawnAt) recordTiming(uuid, timing, app.pop.drawnAt, app.pop.drawnPerf);
    }
    return;
  }
  app.pop = {uuid, data: null, form: null, bridgedMs: timing ? atMillis(timing.at) : null, ended: !!ended,
             disposed: false, timing, drawnAt: null, drawnPerf: null};
  let data;
  try {
    data = await api("GET", `${API}/calls/${encodeURIComponent(uuid)}`);
  } catch (error) {
    showError($("command-error"), error);
    if (app.pop && app.pop.uuid === uuid) app.pop = null;
    return;
  }
  const pop = app.pop;
  if (!pop || pop.uuid !== uuid) return;
  pop.data = data;
  if (!pop.bridgedMs && data.attempt.bridged_at) pop.bridgedMs = Date.parse(data.attempt.bridged_at) - app.skewMs;
  if (data.attempt.ended_at) pop.ended = true;
  drawPop(data);
  // Measured once the frame with the screen pop is drawn.
  requestAnimationFrame(() => setTimeout(() => {
    pop.drawnAt = Date.now();
    pop.drawnPerf = performance.now();
    document.getElementById("call").dataset.drawn = uuid;
    if (pop.timing) recordTiming(uuid, pop.timing, pop.drawnAt, pop.drawnPerf);
  }, 0));
}

function drawPop(data) {
  const draft = readDraft(data.attempt.uuid);
  $("call").hidden = false;
  $("idle").hidden = true;
  $("call-ended").hidden = !app.pop.ended;
  dl($("lead-fields"), data.lead);
  $("script").innerHTML = data.script.html;  // rendered and escaped by the server (scripts_mgmt)
  app.pop.form = window.Questionnaire.render($("questionnaire"), data.questionnaire || {}, {
    answers: draft.answers || {}, labels: L.questionnaire, onChange: saveDraft,
  });
  renderObjections(data.objections || []);
  $("objection-search").value = "";
  renderDispositions(data.dispositions || [], draft);
  $("note").value = draft.note || "";
  $("callback-at").value = draft.callback_at || "";
  if (data.lead) $("callback-label").textContent = fill(L.callback_local, {zone: data.lead.timezone, now: data.lead.local_time});
  const next = document.querySelector(`input[name="next"][value="${draft.next || "ready"}"]`);
  if (next) next.checked = true;
  if (draft.reason) $("next-reason").value = draft.reason;
  $("disposition-errors").textContent = "";
  $("call").dataset.uuid = data.attempt.uuid;
  tick();
  renderStatus();
}

function recordTiming(uuid, timing, drawnAt, drawnPerf) {
  const at = atMillis(timing.at);
  const bridgeMs = at !== null ? drawnAt - at : null;
  const eventMs = Math.max(0, drawnPerf - timing.received);
  window.consoleScreenPops.push({attempt_uuid: uuid, bridge_to_render_ms: bridgeMs, event_to_render_ms: eventMs,
                                 drawn_at: drawnAt});
  if (bridgeMs !== null) {
    api("POST", `${API}/metrics/screen-pop`, {attempt_uuid: uuid, bridge_to_render_ms: bridgeMs,
                                              event_to_render_ms: eventMs}).catch(() => {});
  }
}

function markEnded() {
  if (!app.pop || app.pop.ended) return;
  app.pop.ended = true;
  $("call-ended").hidden = false;
}

function closePop() {
  app.pop = null;
  $("call").hidden = true;
  $("call").dataset.uuid = "";
  $("call").dataset.drawn = "";
  $("questionnaire").textContent = "";
  renderStatus();
}

async function submitDisposition(event) {
  event.preventDefault();
  const pop = app.pop;
  if (!pop || !pop.data) return;
  const errors = $("disposition-errors");
  errors.textContent = "";
  const d = chosenDisposition();
  if (!d) { errors.appendChild(el("li", {}, L.disposition_required)); return; }
  const next = document.querySelector('input[name="next"]:checked').value;
  const body = {disposition: d.code, answers: pop.form ? pop.form.visibleAnswers() : {}, note: $("note").value || null,
                next};
  if (d.is_callback && $("callback-at").value) body.callback_at = $("callback-at").value.length === 16 ? $("callback-at").value + ":00" : $("callback-at").value;
  if (next === "pause") body.reason = $("next-reason").value;
  $("btn-dispose").disabled = true;
  try {
    await api("POST", `${API}/calls/${encodeURIComponent(pop.uuid)}/disposition`, body);
    localStorage.removeItem(DRAFT + pop.uuid);
    localStorage.setItem(SENT + pop.uuid, JSON.stringify({saved: Date.now(), body}));
    pop.disposed = true;
    closePop();
    $("idle-text").textContent = L.saved;
    loadCallbacks();
  } catch (error) {
    Object.entries(error.errors || {}).forEach(([field, messages]) => {
      (Array.isArray(messages) ? messages : [messages]).forEach((m) => {
        const text = typeof m === "string" ? m : (m && (m.text || m.message)) || JSON.stringify(m);
        errors.appendChild(el("li", {"data-field": field}, text));
      });
    });
    if (!errors.childElementCount) errors.appendChild(el("li", {}, error.message));
  } finally {
    $("btn-dispose").disabled = false;
  }
}

/* ---- preview ------------------------------------------------------------ */
async function showPreview(leadId) {
  if (app.previewLead === leadId) return;
  app.previewLead = leadId;
  try {
    const {lead} = await api("GET", `${API}/leads/${leadId}`);
    dl($("preview-lead"), lead);
    $("preview").hidden = false;
    $("idle").hidden = true;
  } catch (error) {
    showError($("command-error"), error);
  }
}

function hidePreview() {
  app.previewLead = null;
  $("preview").hidden = true;
}

/* ---- callbacks ----------------------------------------------------------- */
async function loadCallbacks() {
  const list = $("callback-list");
  try {
    const {due, upcoming} = await api("GET", "/api/v1/callbacks/mine");
    list.textContent = "";
    [...due.map((c) => [c, true]), ...upcoming.map((c) => [c, false])].forEach(([c, isDue]) => {
      list.appendChild(el("li", {"class": isDue ? "due" : ""},
                          `${c.local_time || c.due_at} (${c.lead_timezone || ""}) · #${c.lead_id} ${c.note || ""}`));
    });
    if (!list.childElementCount) list.appendChild(el("li", {"class": "muted"}, L.callbacks_none));
  } catch (error) {
    list.textContent = "";
  }
}

/* ---- timers --------------------------------------------------------------- */
function tick() {
  const s = app.live;
  const now = serverNow() / 1000;
  $("state-timer").textContent = s && s.since ? clock(now - s.since) : "--:--";
  if (app.pop && app.pop.bridgedMs && !app.pop.ended) {
    $("call-timer").textContent = clock((Date.now() - app.pop.bridgedMs) / 1000);
  }
  const wrap = $("wrapup-timer");
  if (app.pop && s && s.state === "wrapup" && s.wrapup_deadline) {
    const left = s.wrapup_deadline - now;
    wrap.hidden = false;
    wrap.textContent = left > 0 ? clock(left) : L.wrapup_over;
    wrap.dataset.over = String(left <= 0);
  } else {
    wrap.hidden = true;
  }
}

/* ---- wiring --------------------------------------------------------------- */
function wire() {
  $("pick-campaign").addEventListener("click", async () => {
    showError($("command-error"), null);
    const method = document.querySelector('input[name="method"]:checked').value;
    try {
      await api("POST", `${API}/campaign`, {campaign_id: Number($("campaign-select").value), method});
      await loadState();
    } catch (error) { showError($("command-error"), error); }
  });
  $("btn-ready").addEventListener("click", () => command({cmd: "ready"}));
  $("btn-pause").addEventListener("click", () => command({cmd: "pause", reason: $("pause-reason").value}));
  $("btn-hangup").addEventListener("click", () => command({cmd: "hangup"}));
  $("btn-logout").addEventListener("click", () => command({cmd: "logout"}));
  $("btn-manual").addEventListener("click", () => {
    const number = $("manual-number").value.replace(/[\s-]/g, "");
    if (number) command({cmd: "manual_dial", number});
  });
  $("keypad").addEventListener("click", (ev) => {
    const digit = ev.target.dataset && ev.target.dataset.digit;
    if (digit) command({cmd: "dtmf", digits: digit});
  });
  $("btn-preview-dial").addEventListener("click", () => app.previewLead && command({cmd: "preview_dial", lead_id: app.previewLead}));
  $("btn-preview-skip").addEventListener("click", () => app.previewLead && command({cmd: "preview_skip", lead_id: app.previewLead}));
  $("objection-search").addEventListener("input", searchObjections);
  const form = $("disposition-form");
  form.addEventListener("submit", submitDisposition);
  form.addEventListener("change", () => { updateCallbackRow(); saveDraft(); });
  form.addEventListener("input", saveDraft);
  document.addEventListener("keydown", (ev) => {
    if (!app.pop || app.pop.disposed || !app.pop.data || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const tag = (ev.target && ev.target.tagName) || "";
    if (["INPUT", "TEXTAREA", "SELECT"].includes(tag) && ev.target.type !== "radio") return;
    const d = app.pop.data.dispositions.find((x) => x.hotkey && x.hotkey.toLowerCase() === ev.key.toLowerCase());
    if (!d) return;
    const input = document.querySelector(`#dispositions input[value="${CSS.escape(d.code)}"]`);
    if (input) {
      input.checked = true;
      ev.preventDefault();
      updateCallbackRow();
      saveDraft();
    }
  });
}

function streamStatus(ok) {
  if (ok) window.consoleStreamOpens = (window.consoleStreamOpens || 0) + 1;
  const node = $("stream-status");
  node.dataset.ok = String(ok);
  node.textContent = ok ? L.stream_ok : L.stream_lost;
}

async function main() {
  pruneDrafts();
  wire();
  await loadState();
  await loadCampaigns();
  loadCallbacks();
  openStream(`${API}/stream`, {
    state: onState,
    call: (ev) => {
      if (ev.event === "bridged" && ev.attempt_uuid) {
        const received = performance.now();
        if (app.pop && app.pop.uuid !== ev.attempt_uuid && !app.pop.disposed) return;  // the pod waits for it
        loadPop(ev.attempt_uuid, {at: ev.at, received});
      } else if (ev.event === "ended" && app.pop && app.pop.uuid === ev.attempt_uuid) {
        markEnded();
      }
    },
    preview: (ev) => ev.lead_id && showPreview(Number(ev.lead_id)),
    error: (ev) => showError($("command-error"), {message: ev.message}),
  }, streamStatus);
  setInterval(tick, 1000);
}

main();

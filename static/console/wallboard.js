/* The supervisor wallboard: the first event of the stream is the whole
 * board; agent and call events then update the rows at once, and the
 * figures (rates, hopper, day totals) are fetched again shortly after an
 * event and every 10 s.  Listening to a call sends the monitor command. */
import {api, clock, el, fill, labels as readLabels, openStream} from "./common.js";
import {hourlyBars} from "./chart.js";

const API = "/api/v1/console";
const L = readLabels("wallboard-labels");
const $ = (id) => document.getElementById(id);
const board = {agents: new Map(), calls: new Map(), campaigns: [], skewMs: 0};
window.wallboard = board;

function pct(x) { return x === null || x === undefined ? "—" : (100 * x).toFixed(1) + " %"; }
function nowS() { return (Date.now() + board.skewMs) / 1000; }

function campaignCode(id) {
  const c = board.campaigns.find((x) => x.id === id);
  return c ? c.code : (id ? "#" + id : "");
}

function renderAgents() {
  const body = document.querySelector("#agents tbody");
  body.textContent = "";
  if (!board.agents.size) body.appendChild(el("tr", {}, null)).appendChild(el("td", {colspan: 6, "class": "muted"}, L.no_agents));
  board.agents.forEach((a) => {
    const tr = el("tr", {"data-agent": a.id, "data-state": a.state});
    tr.appendChild(el("td", {}, a.name));
    tr.appendChild(el("td", {"class": "state"}, L.states[a.state] || a.state));
    tr.appendChild(el("td", {}, a.state === "paused" ? a.reason || "" : ""));
    tr.appendChild(el("td", {"class": "since", "data-since": a.since || ""}, a.since ? clock(nowS() - a.since) : "—"));
    tr.appendChild(el("td", {}, campaignCode(a.campaign_id)));
    tr.appendChild(el("td", {}, a.connected ? L.yes : L.no));
    body.appendChild(tr);
  });
}

function renderCalls() {
  const body = document.querySelector("#calls tbody");
  body.textContent = "";
  if (!board.calls.size) body.appendChild(el("tr", {}, null)).appendChild(el("td", {colspan: 6, "class": "muted"}, L.no_calls));
  board.calls.forEach((c) => {
    const tr = el("tr", {"data-call": c.attempt_uuid, "data-state": c.state});
    const agent = c.agent_id ? board.agents.get(c.agent_id) : null;
    tr.appendChild(el("td", {}, campaignCode(c.campaign_id)));
    tr.appendChild(el("td", {}, agent ? agent.name : (c.agent_name || "")));
    tr.appendChild(el("td", {}, c.phone || ""));
    tr.appendChild(el("td", {"class": "state"}, L.states[c.state] || c.state));
    tr.appendChild(el("td", {"class": "since", "data-since": c.since || ""}, c.since ? clock(nowS() - c.since) : "—"));
    const cell = el("td", {});
    if (c.agent_id && (c.state === "bridged" || c.state === "talking")) {
      const button = el("button", {type: "button", "class": "secondary listen"}, L.listen);
      button.addEventListener("click", () => listen(c.attempt_uuid));
      cell.appendChild(button);
    }
    tr.appendChild(cell);
    body.appendChild(tr);
  });
}

function capClass(f) { return f.over_cap ? "bad" : f.near_cap ? "warn" : "ok"; }

function renderCampaigns() {
  const box = $("campaign-cards");
  box.textContent = "";
  const template = $("campaign-card");
  board.campaigns.forEach((c) => {
    const card = template.content.firstElementChild.cloneNode(true);
    card.dataset.campaign = c.id;
    card.querySelector(".c-name").textContent = `${c.code} · ${c.name} (${L.campaign_states[c.state] || c.state})`;
    card.querySelector(".c-level").textContent = c.dial_level === null || c.dial_level === undefined ? "—" : c.dial_level;
    [["c-ab24", c.abandon[0]], ["c-ab30", c.abandon[1]]].forEach(([cls, f]) => {
      const dd = card.querySelector("." + cls);
      dd.textContent = `${pct(f.rate)} / ${pct(f.cap)} (${f.abandons}/${f.answers})`;
      dd.className = cls + " " + capClass(f);
      if (f.over_cap) dd.textContent += " · " + L.over_cap;
      else if (f.near_cap) dd.textContent += " · " + L.near_cap;
    });
    card.querySelector(".c-par").textContent = `${pct(c.today.person_answer_rate)} (${c.today.person_answers}/${c.today.finished})`;
    card.querySelector(".c-hopper").textContent = c.hopper;
    card.querySelector(".c-sales").textContent = c.today.sales;
    card.querySelector(".c-calls").textContent = `${c.calls_dialing} / ${c.calls_waiting}`;
    card.querySelector(".c-agents").textContent = `${c.agents_ready} / ${c.agents_busy}`;
    if (c.low_data) {
      const warning = card.querySelector(".c-warning");
      warning.hidden = false;
      warning.textContent = fill(L.low_data, {minutes: c.low_data.minutes_left});
    }
    hourlyBars(card.querySelector(".c-chart"), c.today.hours, [
      {key: "dials", label: L.dials, cls: "s-dials"},
      {key: "answers", label: L.answers, cls: "s-answers"},
      {key: "sales", label: L.sales, cls: "s-sales"},
    ]);
    box.appendChild(card);
  });
}

function load(data) {
  if (data.at) board.skewMs = Date.parse(data.at) - Date.now();
  board.agents = new Map(data.agents.map((a) => [a.id, a]));
  board.calls = new Map(data.calls.map((c) => [c.attempt_uuid, c]));
  board.campaigns = data.campaigns;
  $("board-time").textContent = new Date(Date.now() + board.skewMs).toLocaleTimeString();
  renderCampaigns();
  renderAgents();
  renderCalls();
}

let refreshTimer = null;
function refreshSoon(ms) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    try { load(await api("GET", `${API}/wallboard`)); } catch (e) { /* the next event or tick retries */ }
  }, ms);
}

function onAgent(ev) {
  const agent = board.agents.get(ev.agent_id);
  if (!agent || ev.type !== "state") { refreshSoon(500); return; }
  agent.state = ev.softphone === "disconnected" ? "offline" : ev.state;
  agent.reason = ev.reason || null;
  agent.since = ev.since ? Number(ev.since) : null;
  agent.campaign_id = ev.campaign_id ? Number(ev.campaign_id) : null;
  agent.connected = ev.softphone === "connected";
  agent.attempt_uuid = ev.attempt_uuid || null;
  renderAgents();
}

function onCall(ev) {
  if (ev.event === "ended" || ev.event === "abandoned") {
    board.calls.delete(ev.attempt_uuid);
  } else {
    const call = board.calls.get(ev.attempt_uuid) || {attempt_uuid: ev.attempt_uuid, since: ev.at};
    Object.assign(call, {campaign_id: ev.campaign_id, agent_id: ev.agent_id || call.agent_id,
                         state: ev.event === "bridged" ? "bridged" : ev.event});
    board.calls.set(ev.attempt_uuid, call);
  }
  renderCalls();
  refreshSoon(1000);
}

async function listen(uuid) {
  const status = $("monitor-status");
  try {
    await api("POST", `${API}/wallboard/monitor`, {attempt_uuid: uuid});
    status.textContent = L.listening;
  } catch (error) {
    status.textContent = error.message;
  }
}

function tick() {
  document.querySelectorAll("td.since").forEach((td) => {
    const since = Number(td.dataset.since);
    if (since) td.textContent = clock(nowS() - since);
  });
}

function streamStatus(ok) {
  if (ok) window.consoleStreamOpens = (window.consoleStreamOpens || 0) + 1;
  const node = $("stream-status");
  node.dataset.ok = String(ok);
  node.textContent = ok ? L.stream_ok : L.stream_lost;
}

openStream(`${API}/wallboard/stream`, {
  wallboard: load, agent: onAgent, call: onCall, campaign: () => refreshSoon(300),
}, streamStatus);
setInterval(tick, 1000);
setInterval(() => refreshSoon(0), 10000);

/* Shared by the console pages: JSON API calls with the CSRF header, an
 * EventSource wrapper that reports whether the stream is up, small DOM and
 * time helpers. */

export function csrf() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

export class ApiError extends Error {
  constructor(message, status, errors) {
    super(message);
    this.status = status;
    this.errors = errors || {};
  }
}

function flatten(errors) {
  const parts = [];
  Object.keys(errors || {}).forEach((field) => {
    const value = errors[field];
    (Array.isArray(value) ? value : [value]).forEach((m) => {
      parts.push(typeof m === "string" ? m : (m && (m.text || m.message)) || JSON.stringify(m));
    });
  });
  return parts.join(" · ");
}

export async function api(method, url, body) {
  const init = {method, credentials: "same-origin",
                headers: {"X-CSRFToken": csrf(), "Accept": "application/json"}};
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  if (response.status === 204) return null;
  let payload = null;
  try { payload = await response.json(); } catch (e) { payload = null; }
  if (!response.ok) {
    const errors = (payload && payload.errors) || {};
    throw new ApiError(flatten(errors) || "HTTP " + response.status, response.status, errors);
  }
  return payload;
}

/* Open an EventSource; `handlers` maps event names to functions of the
 * parsed data.  The browser reconnects by itself (the server's retry hint);
 * onStatus(true/false) tells the page whether the stream is up. */
export function openStream(url, handlers, onStatus) {
  const source = new EventSource(url);
  source.onopen = () => onStatus && onStatus(true);
  source.onerror = () => onStatus && onStatus(false);
  Object.keys(handlers).forEach((name) => {
    source.addEventListener(name, (ev) => {
      let data;
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      handlers[name](data, ev);
    });
  });
  return source;
}

export function el(tag, attrs, text) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
  });
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function fill(template, values) {
  return String(template).replace(/%\((\w+)\)s/g, (_, k) => (values[k] === undefined ? "" : values[k]));
}

export function clock(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return "--:--";
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = String(m).padStart(2, "0"), ss = String(r).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/* An event's `at` as epoch milliseconds: pods send epoch seconds, the web
 * helpers ISO text. */
export function atMillis(at) {
  if (typeof at === "number") return at * 1000;
  if (typeof at === "string" && at) {
    const n = Number(at);
    if (isFinite(n)) return n * 1000;
    const parsed = Date.parse(at);
    return isNaN(parsed) ? null : parsed;
  }
  return null;
}

export function labels(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : {};
}

/* Per-hour bar chart as inline SVG (no library): for each hour, bars for
 * the series given, scaled to the largest value. */
const NS = "http://www.w3.org/2000/svg";

function node(tag, attrs) {
  const n = document.createElementNS(NS, tag);
  Object.entries(attrs || {}).forEach(([k, v]) => n.setAttribute(k, v));
  return n;
}

/* hours: [{hour, <series key>: number}], series: [{key, label, cls}] */
export function hourlyBars(container, hours, series, options = {}) {
  const width = options.width || 480, height = options.height || 140, pad = 18;
  const shown = hours.filter((h) => series.some((s) => h[s.key] > 0));
  const first = shown.length ? Math.min(...shown.map((h) => h.hour)) : 8;
  const last = shown.length ? Math.max(...shown.map((h) => h.hour)) : 20;
  const span = hours.filter((h) => h.hour >= Math.min(first, 8) && h.hour <= Math.max(last, 20));
  const max = Math.max(1, ...span.flatMap((h) => series.map((s) => h[s.key] || 0)));
  const slot = (width - pad) / Math.max(span.length, 1);
  const bar = Math.max(1, (slot - 2) / series.length);
  const svg = node("svg", {viewBox: `0 0 ${width} ${height}`, width: "100%", height, "class": "hour-chart"});
  span.forEach((h, i) => {
    const x0 = pad + i * slot;
    series.forEach((s, j) => {
      const value = h[s.key] || 0;
      const hgt = ((height - pad - 4) * value) / max;
      const rect = node("rect", {x: x0 + j * bar, y: height - pad - hgt, width: bar - 0.5, height: hgt,
                                 "class": s.cls, "data-hour": h.hour, "data-series": s.key});
      const title = node("title", {});
      title.textContent = `${String(h.hour).padStart(2, "0")}:00 ${s.label}: ${value}`;
      rect.appendChild(title);
      svg.appendChild(rect);
    });
    if (h.hour % 2 === 0) {
      const label = node("text", {x: x0 + slot / 2, y: height - 4, "text-anchor": "middle", "class": "axis"});
      label.textContent = String(h.hour);
      svg.appendChild(label);
    }
  });
  const top = node("text", {x: 2, y: 10, "class": "axis"});
  top.textContent = String(max);
  svg.appendChild(top);
  const legend = document.createElement("div");
  legend.className = "legend";
  series.forEach((s) => {
    const item = document.createElement("span");
    item.className = "legend-item " + s.cls;
    item.textContent = s.label;
    legend.appendChild(item);
  });
  container.textContent = "";
  container.appendChild(svg);
  container.appendChild(legend);
}

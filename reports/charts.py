"""Small bar charts as inline SVG for the report page and the mailed HTML
(no JavaScript, no CDN).  Pure: figures in, markup out."""
from __future__ import annotations

from markupsafe import Markup, escape


def bar_chart(labels: list[str], series: list[tuple[str, list[float], str]], width: int = 720,
              height: int = 220, title: str = "") -> Markup:
    """Grouped vertical bars: `series` is [(name, values, colour)]; a legend on top."""
    if not labels or not series:
        return Markup("")
    top, bottom, left, right = 28, 36, 44, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v or 0 for _, values, _ in series for v in values] + [1])
    group_w = plot_w / len(labels)
    bar_w = max(1.0, group_w * 0.8 / len(series))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">']
    for step in range(5):
        value = peak * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{value:,.0f}</text>')
    for i, label in enumerate(labels):
        x0 = left + i * group_w + group_w * 0.1
        for j, (name, values, colour) in enumerate(series):
            value = values[i] or 0
            h = plot_h * value / peak
            parts.append(f'<rect x="{x0 + j * bar_w:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>{escape(label)} · {escape(name)}: '
                         f'{value:,.0f}</title></rect>')
        if len(labels) <= 24 or i % 2 == 0:
            parts.append(f'<text x="{left + (i + 0.5) * group_w:.1f}" y="{height - bottom + 14}" '
                         f'text-anchor="middle" font-size="10">{escape(str(label))[:10]}</text>')
    x = left
    for name, _, colour in series:
        parts.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="15" font-size="11">{escape(name)}</text>')
        x += 28 + 12 * len(str(name))  # room for CJK labels
    parts.append("</svg>")
    return Markup("".join(parts))


def report_charts(data: dict, labels: dict[str, str]) -> dict[str, Markup]:
    """The report page's charts; `labels` carries the translated series names."""
    hours = data.get("hours") or []
    agents = (data.get("agents") or [])[:30]
    return {
        "hours": bar_chart([h["label"] for h in hours], [
            (labels["dials"], [h["dials"] for h in hours], "#8faadc"),
            (labels["person_answers"], [h["person_answers"] for h in hours], "#2f5597"),
            (labels["sales"], [h["sales"] for h in hours], "#70ad47"),
        ], title=labels["hours_title"]),
        "agents": bar_chart([a["label"] for a in agents], [
            (labels["handled"], [a["handled"] for a in agents], "#2f5597"),
            (labels["sales"], [a["sales"] for a in agents], "#70ad47"),
        ], title=labels["agents_title"]),
    }

"""Script content → safe HTML, the one rendering used by the editor's preview
and the agent console.  Pure.

The content is plain text with a small markup subset (nothing else is
interpreted; HTML typed into a script shows as text):

    # Heading / ## Heading / ### Heading      → h3 / h4 / h5
    - item  or  * item                        → bulleted list
    1. item                                   → numbered list
    > note for the agent, not read aloud      → highlighted note
    **bold**   *emphasis*   ==highlight==     → strong / em / mark
    {{variable}}                              → the lead's value, escaped

Blank lines separate paragraphs; a single line break stays a line break.
Safety comes from the order of work: variables are cut out first, the rest is
HTML-escaped, the markup above is turned into tags on escaped text, and only
then are the (escaped) variable values put back.  Lead data is therefore
never parsed as markup or HTML.  A variable without a value shows a visible
placeholder (`missing_label`) and is listed in `Rendered.missing`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

VARIABLE = re.compile(r"\{\{\s*([^{}\n]{1,64}?)\s*\}\}")
_SENTINEL = re.compile("\x00(\\d+)\x00")
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+(.*)$")
_NOTE = re.compile(r"^>\s?(.*)$")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"(?<!\*)\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)")
_MARK = re.compile(r"==(?=\S)(.+?)(?<=\S)==")


@dataclass
class Rendered:
    html: str
    used: list[str] = field(default_factory=list)  # variables in order of first use
    missing: list[str] = field(default_factory=list)  # used but without a value


def variables_in(content: str) -> list[str]:
    """Variable names used by a content, in order of first use."""
    seen: dict[str, None] = {}
    for match in VARIABLE.finditer(content or ""):
        seen.setdefault(match.group(1).strip(), None)
    return list(seen)


def _inline(text: str) -> str:
    out = html.escape(text, quote=True)
    out = _STRONG.sub(r"<strong>\1</strong>", out)
    out = _EM.sub(r"<em>\1</em>", out)
    return _MARK.sub(r"<mark>\1</mark>", out)


def _blocks(text: str) -> list[tuple[str, list[str]]]:
    blocks: list[tuple[str, list[str]]] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            blocks.append(("gap", []))
            continue
        if m := _HEADING.match(line):
            blocks.append((f"h{len(m.group(1)) + 2}", [m.group(2)]))
            continue
        for kind, pattern in (("ul", _BULLET), ("ol", _NUMBERED), ("note", _NOTE)):
            if m := pattern.match(line):
                break
        else:
            kind, m = "p", None
        item = m.group(1) if m else line
        if blocks and blocks[-1][0] == kind:
            blocks[-1][1].append(item)
        else:
            blocks.append((kind, [item]))
    return [b for b in blocks if b[0] != "gap"]


def _to_html(blocks: list[tuple[str, list[str]]]) -> str:
    parts = []
    for kind, lines in blocks:
        if kind in ("ul", "ol"):
            items = "".join(f"<li>{_inline(line)}</li>" for line in lines)
            parts.append(f"<{kind}>{items}</{kind}>")
        elif kind == "note":
            parts.append(
                '<blockquote class="script-note">' + "<br>".join(_inline(x) for x in lines) + "</blockquote>"
            )
        elif kind == "p":
            parts.append("<p>" + "<br>".join(_inline(x) for x in lines) + "</p>")
        else:
            parts.append(f"<{kind}>{_inline(lines[0])}</{kind}>")
    return "\n".join(parts)


def _present(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def render_content(content: str, values: dict, missing_label: str = "[missing: {name}]") -> Rendered:
    """Render `content` with `values` (variable name → value)."""
    names: list[str] = []

    def cut(match: re.Match) -> str:
        names.append(match.group(1).strip())
        return f"\x00{len(names) - 1}\x00"

    text = (content or "").replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    body = _to_html(_blocks(VARIABLE.sub(cut, text)))
    missing: dict[str, None] = {}

    def put_back(match: re.Match) -> str:
        name = names[int(match.group(1))]
        attr = html.escape(name, quote=True)
        value = values.get(name)
        if not _present(value):
            missing.setdefault(name, None)
            label = html.escape(missing_label.replace("{name}", name))
            return f'<span class="script-var missing" data-var="{attr}">{label}</span>'
        return f'<span class="script-var" data-var="{attr}">{html.escape(str(value), quote=True)}</span>'

    body = _SENTINEL.sub(put_back, body)
    return Rendered(html=body, used=list(dict.fromkeys(names)), missing=list(missing))

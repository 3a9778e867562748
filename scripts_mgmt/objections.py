"""Searching the objection answers (应对话术) of a script version, for the
agent console and the editor.

Matching is done in Python on the version's few dozen answers, the same on
SQLite and PostgreSQL: text is NFKC-normalised (full-width letters and
digits become half-width) and case-folded; every whitespace-separated term
must occur in the objection, the answer or a tag.  Chinese needs no word
splitting for substring search.  Hits in the objection rank first, then
tags, then the answer; ties keep the editor's order.
"""

from __future__ import annotations

import unicodedata


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def search_objections(objections: list, query: str = "", tag: str | None = None) -> list:
    """The matching ObjectionAnswer rows (or dicts with the same keys), best first."""
    terms = normalise(query).split()
    wanted_tag = normalise(tag).strip() if tag else ""
    ranked = []
    for position, item in enumerate(objections):
        objection = normalise(_get(item, "objection"))
        answer = normalise(_get(item, "answer"))
        tags = [normalise(str(t)) for t in (_get(item, "tags") or [])]
        if wanted_tag and wanted_tag not in tags:
            continue
        score = 0
        for term in terms:
            if term in objection:
                score += 3
            elif any(term in t for t in tags):
                score += 2
            elif term in answer:
                score += 1
            else:
                break
        else:
            ranked.append((-score, position, item))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [item for _, _, item in ranked]


def _get(item, name: str):
    return item.get(name) if isinstance(item, dict) else getattr(item, name)

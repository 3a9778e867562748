"""What changed between two versions of a script: the content as a unified
diff and a side-by-side HTML table (difflib escapes the text), and the
questionnaire and objection answers summarised by key.  Pure."""

from __future__ import annotations

import difflib

from scripts_mgmt.questionnaire.schema import questions_of, sections


def _by_key(items) -> dict:
    return {item.get("key"): item for item in items if isinstance(item, dict) and item.get("key") is not None}


def _changed_fields(old: dict, new: dict, skip: tuple = ()) -> list[str]:
    return sorted(k for k in set(old) | set(new) if k not in skip and old.get(k) != new.get(k))


def _keyed_changes(old: dict, new: dict, skip: tuple = ()) -> dict:
    return {
        "added": [k for k in new if k not in old],
        "removed": [k for k in old if k not in new],
        "changed": [
            {"key": k, "fields": fields}
            for k in new
            if k in old and (fields := _changed_fields(old[k], new[k], skip))
        ],
    }


def questionnaire_changes(old, new) -> dict:
    old_sections, new_sections = _by_key(sections(old)), _by_key(sections(new))
    old_questions = {k: v for s in sections(old) for k, v in _by_key(questions_of(s)).items()}
    new_questions = {k: v for s in sections(new) for k, v in _by_key(questions_of(s)).items()}
    section_changes = _keyed_changes(old_sections, new_sections, skip=("questions",))
    old_order = [s.get("key") for s in sections(old)]
    new_order = [s.get("key") for s in sections(new)]
    return {
        "questions": _keyed_changes(old_questions, new_questions),
        "sections": section_changes,
        "sections_reordered": [k for k in old_order if k in new_order]
        != [k for k in new_order if k in old_order],
    }


def objection_changes(old: list[dict], new: list[dict]) -> dict:
    """Objections are matched by their text; the answer and tags are what changes."""

    def index(items):
        return {
            o.get("objection"): {"answer": o.get("answer"), "tags": list(o.get("tags") or [])} for o in items
        }

    return _keyed_changes(index(old), index(new))


def diff_versions(old: dict, new: dict, old_label: str = "old", new_label: str = "new") -> dict:
    """`old` and `new` hold `content`, `questionnaire` and `objections`."""
    a = (old.get("content") or "").splitlines()
    b = (new.get("content") or "").splitlines()
    unified = "\n".join(difflib.unified_diff(a, b, fromfile=old_label, tofile=new_label, lineterm=""))
    table = difflib.HtmlDiff(wrapcolumn=60).make_table(a, b, fromdesc=old_label, todesc=new_label)
    questionnaire = questionnaire_changes(old.get("questionnaire"), new.get("questionnaire"))
    objections = objection_changes(old.get("objections") or [], new.get("objections") or [])
    return {
        "content_changed": a != b,
        "content_unified": unified,
        "content_html": table,
        "questionnaire": questionnaire,
        "objections": objections,
    }

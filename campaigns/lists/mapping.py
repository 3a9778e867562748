"""Column mapping: which columns hold the phone numbers (primary first, then
alternates), the name, and which other columns are kept as lead fields.

A mapping names columns by header, so a saved template (ColumnMappingTemplate)
fits the next file a client sends with the same headers:

    {"phone": ["手机号码", "备用电话"], "name": ["姓名"], "fields": {"city": "城市"}}
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Header words, normalised (lower case, no spaces/underscores/dashes).
PHONE_WORDS = (
    "手机号码", "手机号", "手机", "移动电话", "电话号码", "联系电话", "电话", "联系方式", "联系号码", "号码",
    "固话", "座机", "固定电话", "备用电话", "备用号码", "phone", "phonenumber", "mobile", "mobilephone",
    "mobilenumber", "cell", "cellphone", "tel", "telephone", "contactnumber", "number", "msisdn",
)
NAME_WORDS = ("姓名", "名字", "客户姓名", "客户名称", "客户名", "联系人", "name", "fullname", "customername",
              "contactname", "firstname", "lastname", "givenname", "surname", "familyname")
_PUNCT = re.compile(r"[\s_\-.:：/（）()]+")


def _norm(header: str) -> str:
    return _PUNCT.sub("", header.strip().lower())


def _phone_rank(header: str) -> int | None:
    h = _norm(header)
    for rank, word in enumerate(PHONE_WORDS):
        if h == word:
            return rank
    for rank, word in enumerate(PHONE_WORDS):
        if len(word) >= 2 and word in h and not h.endswith(("id", "编号")):
            return 100 + rank
    return None


def _is_name(header: str) -> bool:
    h = _norm(header)
    return h in NAME_WORDS


def suggest(header: list[str], sample_rows: list[list[str]] | None = None, looks_like_phone=None) -> dict:
    """A mapping guessed from header names; if no header names a phone column,
    the column whose sample values most often parse as numbers is chosen."""
    ranked = sorted((r, i) for i, h in enumerate(header) if (r := _phone_rank(h)) is not None)
    phone_cols = [header[i] for _, i in ranked]
    if not phone_cols and sample_rows and looks_like_phone is not None:
        scores = []
        for i, h in enumerate(header):
            hits = sum(1 for row in sample_rows if i < len(row) and looks_like_phone(row[i]))
            scores.append((hits, -i, h))
        best = max(scores, default=(0, 0, None))
        if best[0] > 0:
            phone_cols = [best[2]]
    names = [h for h in header if h not in phone_cols and _is_name(h)]
    # first name before last name reads naturally in both languages' exports
    names.sort(key=lambda h: 0 if _norm(h) in ("firstname", "givenname") else 1)
    fields = {h: h for h in header if h not in phone_cols and h not in names}
    return {"phone": phone_cols, "name": names, "fields": fields}


@dataclass
class ResolvedMapping:
    phone: list[int]
    name: list[int]
    fields: list[tuple[str, int]]


class MappingError(ValueError):
    pass


def resolve(mapping: dict, header: list[str]) -> ResolvedMapping:
    """Column indexes for a mapping; MappingError names what does not fit."""
    index = {h: i for i, h in enumerate(header)}
    phone = mapping.get("phone") or []
    if isinstance(phone, str):
        phone = [phone]
    if not phone:
        raise MappingError("no phone column chosen")
    missing = [c for c in phone if c not in index]
    names = mapping.get("name") or []
    if isinstance(names, str):
        names = [names]
    missing += [c for c in names if c not in index]
    fields = mapping.get("fields") or {}
    missing += [c for c in fields.values() if c not in index]
    if missing:
        raise MappingError("columns not in the file: " + ", ".join(sorted(set(map(str, missing)))))
    return ResolvedMapping(
        phone=[index[c] for c in phone],
        name=[index[c] for c in names],
        fields=[(str(k), index[c]) for k, c in fields.items()],
    )


def fit_template(template: dict, header: list[str]) -> dict:
    """A saved template applied to a file: columns the file lacks are dropped."""
    have = set(header)
    phone = [c for c in template.get("phone") or [] if c in have]
    names = [c for c in template.get("name") or [] if c in have]
    fields = {k: c for k, c in (template.get("fields") or {}).items() if c in have}
    return {"phone": phone, "name": names, "fields": fields}

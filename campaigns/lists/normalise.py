r"""Phone-number normalisation for imports: raw text → E.164 with type, region,
place and time zone, or a reject reason.

phonenumbers is the reference (`normalise_full`), but a full parse + validate +
type + geocode + time zone costs ~60 µs per number on this hardware, three
times the whole per-row budget of an import.  Three well-formed shapes cover
nearly every row of a client list and take a fast path that gives exactly
phonenumbers' answer:

* No parse: the shape's own regular expression (ASCII digits only) yields
  the country code and national number, from which phonenumbers would build
  the very same `PhoneNumber`.
* Validity and type: phonenumbers' `_number_type_helper` logic, run by
  `_Typer` over the region's metadata with each pattern compiled once (the
  library looks each one up again in a cache on every call, and matches twice).
  Chinese mobiles (11 digits, 1[3-9]) are typed once per 5-digit prefix:
  for such strings every CN pattern decides on the first five digits at
  most (general `1\d{10}`; premium and toll-free excluded by length; no
  shared-cost or fixed-line alternative starts with 1[3-9]; mobile
  `1(?:610\d|740[0-5])\d{6}|1(?:[38]\d|…)\d{8}`).  NANP numbers are typed one
  by one: some Caribbean patterns look at the 7th digit (BB `246521[0369]`,
  JM `8766060`).
* Place and time zone come from longest-prefix tables (geocoder, time zones):
  `_PrefixTable` finds the shortest prefix of the number that no longer
  lengthens any table key, which decides the answer, and caches on it.  The
  cache is bounded by the table's shape, not by the file.

Every other shape goes through phonenumbers in full, and so does an invalid
number whenever parse() might not have built the same number from it (a
Chinese landline keeps its trunk 0 when what follows is not viable).  Tests
compare both paths on generated files.
"""
from __future__ import annotations

import re
from typing import NamedTuple

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumber, PhoneNumberType, geocoder
from phonenumbers import timezone as pn_timezone
from phonenumbers.geodata import GEOCODE_DATA, GEOCODE_LONGEST_PREFIX
from phonenumbers.phonenumberutil import (
    COUNTRY_CODE_TO_REGION_CODE,
    ValidationResult,
    _test_number_length,
    is_number_type_geographical,
)
from phonenumbers.prefix import _LOCALE_NORMALIZATION_MAP, _find_lang
from phonenumbers.tzdata import TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX

TYPE_NAMES = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}

# Reject reasons (stable codes; people see them translated).
EMPTY = "empty"
NOT_A_NUMBER = "not_a_number"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
INVALID = "invalid_number"

# Separators people type inside numbers; removed before the fast-path match.
_SEPARATORS = str.maketrans("", "", " -().\t\u3000\u00a0/")
# One pattern per default region, each alternative naming its shape:
# m = Chinese mobile, f = Chinese landline (area code after the trunk 0, or
# after +86 where people often keep the 0), n = NANP.  ASCII digits only:
# phonenumbers turns other digits (full-width ones, say) into ASCII, so such
# numbers take the reference path.
_CN_M = r"(?:\+86|0086|86)?(?P<m>1[3-9]\d{9})"
_CN_M_INTL = r"\+86(?P<m>1[3-9]\d{9})"
_CN_F = r"(?:\+860?|00860?|0)(?P<f>[2-9]\d{8,10}|10\d{8})"
_CN_F_INTL = r"\+860?(?P<f>[2-9]\d{8,10}|10\d{8})"
_NANP = r"(?:\+?1)?(?P<n>[2-9]\d{9})"
_NANP_INTL = r"\+1(?P<n>[2-9]\d{9})"
_SHAPES_CN = re.compile("|".join((_CN_M, _NANP_INTL, _CN_F)), re.ASCII)
_SHAPES_NANP = re.compile("|".join((_CN_M_INTL, _NANP, _CN_F_INTL)), re.ASCII)
_SHAPES_OTHER = re.compile("|".join((_CN_M_INTL, _NANP_INTL, _CN_F_INTL)), re.ASCII)
NANP_REGIONS = set(COUNTRY_CODE_TO_REGION_CODE[1])
_CN_MOBILE_SECOND = frozenset("3456789")

_CN_MOBILE_KEY = 5  # leading national digits that decide a Chinese mobile's validity and type
_SLOW_CACHE_MAX = 20_000
_GEO = GEOCODE_DATA
_INVALID = object()  # a prefix that is never valid: the reference path gives the exact reason
_PER_NUMBER = object()  # the time zone is not decided by the 5-digit prefix


class Normalised(NamedTuple):
    e164: str
    number_type: str
    region: str | None
    geo: str | None
    timezone: str | None


_new_normalised = tuple.__new__  # Normalised(...) without the Python-level __new__ (hot loop)


class _Typer:
    """`phonenumberutil._number_type_helper(national_number, metadata)` for one
    region, step for step: general description first, then the special
    types in the library's order, then fixed line / mobile.  A description
    matches when the length is one of its possible lengths (if it lists any)
    and its pattern matches the whole number (`_match` with
    allow_prefix_match=False is exactly a full match)."""

    _SPECIALS = (("premium_rate", PhoneNumberType.PREMIUM_RATE), ("toll_free", PhoneNumberType.TOLL_FREE),
                 ("shared_cost", PhoneNumberType.SHARED_COST), ("voip", PhoneNumberType.VOIP),
                 ("personal_number", PhoneNumberType.PERSONAL_NUMBER), ("pager", PhoneNumberType.PAGER),
                 ("uan", PhoneNumberType.UAN), ("voicemail", PhoneNumberType.VOICEMAIL))

    def __init__(self, metadata):
        self.metadata = metadata
        self.general = self._desc(metadata.general_desc)
        self.specials = [(d, kind) for name, kind in self._SPECIALS
                         if (d := self._desc(getattr(metadata, name))) is not None]
        self.fixed = self._desc(metadata.fixed_line)
        self.mobile = self._desc(metadata.mobile)
        self.same_mobile_and_fixed = metadata.same_mobile_and_fixed_line_pattern

    @staticmethod
    def _desc(desc):
        # a missing description, or one without a pattern, never matches
        if desc is None or not desc.national_number_pattern:
            return None
        return frozenset(desc.possible_length), re.compile(desc.national_number_pattern).fullmatch

    @staticmethod
    def _matches(desc, nsn: str) -> bool:
        if desc is None:
            return False
        lengths, fullmatch = desc
        if lengths and len(nsn) not in lengths:
            return False
        return fullmatch(nsn) is not None

    def viable(self, nsn: str) -> bool:
        """Matches the general description (parse() calls this viable)."""
        return self._matches(self.general, nsn)

    def type_of(self, nsn: str) -> int:
        matches = self._matches
        if not matches(self.general, nsn):
            return PhoneNumberType.UNKNOWN
        for desc, kind in self.specials:
            if matches(desc, nsn):
                return kind
        if matches(self.fixed, nsn):
            if self.same_mobile_and_fixed or matches(self.mobile, nsn):
                return PhoneNumberType.FIXED_LINE_OR_MOBILE
            return PhoneNumberType.FIXED_LINE
        if not self.same_mobile_and_fixed and matches(self.mobile, nsn):
            return PhoneNumberType.MOBILE
        return PhoneNumberType.UNKNOWN


class _CountryTyper:
    """Region, validity and type of a number of one country code, as
    `region_code_for_number`, `is_valid_number` and `number_type` give them:
    the first region of the code whose leading digits match (or, without
    leading digits, whose patterns give a type) is the number's region, and
    the number is valid when that region's patterns give it a type."""

    def __init__(self, cc: int):
        self.regions = []
        for region in COUNTRY_CODE_TO_REGION_CODE[cc]:
            md = PhoneMetadata.metadata_for_region(region.upper(), None)
            if md is None:
                continue
            leading = re.compile(md.leading_digits).match if md.leading_digits is not None else None
            self.regions.append((region, leading, _Typer(md)))
        self.single = len(COUNTRY_CODE_TO_REGION_CODE[cc]) == 1

    def viable(self, nsn: str) -> bool:
        return self.regions[0][2].viable(nsn)

    def describe(self, nsn: str) -> tuple[str | None, int]:
        """(region, type); type UNKNOWN means invalid."""
        if self.single:
            region, _, typer = self.regions[0]
            return region, typer.type_of(nsn)
        for region, leading, typer in self.regions:
            if leading is not None:
                if leading(nsn):
                    return region, typer.type_of(nsn)
            else:
                kind = typer.type_of(nsn)
                if kind != PhoneNumberType.UNKNOWN:
                    return region, kind
        return None, PhoneNumberType.UNKNOWN


class _PrefixTable:
    """Longest-prefix look-ups in one of phonenumbers' prefix tables for one
    country code, as `geocoder` and `timezone` walk them (from the longest
    prefix of the E.164 digits down to one digit).

    `key(digits)` is the shortest prefix of the digits that is not the proper
    prefix of any table key: no key longer than it can match the number, so
    every number sharing that prefix gets the same answer.  Caching on it is
    exact, and the number of keys is bounded by the table."""

    def __init__(self, data: dict, longest: int, cc: int):
        self.data, self.longest = data, longest
        cc_text = str(cc)
        self.start = len(cc_text)
        # keys longer than `longest` are never looked at by phonenumbers: ignored here too
        self.inner = frozenset(k[:i] for k in data if k.startswith(cc_text) and len(k) <= longest
                               for i in range(self.start, len(k)))

    def key(self, digits: str, known: int = 0) -> str:
        """`known`: a length whose prefix is already known to lengthen a key."""
        inner, k, n = self.inner, max(self.start, known + 1), len(digits)
        while k < n and digits[:k] in inner:
            k += 1
        return digits[:k]

    def walk(self, digits: str, found):
        """The first `found(entry)` that is not None, longest prefix first."""
        data = self.data
        for k in range(min(len(digits), self.longest), 0, -1):
            entry = data.get(digits[:k])
            if entry is not None:
                value = found(entry)
                if value is not None:
                    return value
        return None


_TYPERS: dict[int, _CountryTyper] = {}
_GEO_TABLES: dict[int, _PrefixTable] = {}
_ZONE_TABLES: dict[int, _PrefixTable] = {}


def _typer(cc: int) -> _CountryTyper:
    typer = _TYPERS.get(cc)
    if typer is None:
        typer = _TYPERS[cc] = _CountryTyper(cc)
    return typer


def _table(tables: dict, data: dict, longest: int, cc: int) -> _PrefixTable:
    # built once per process (phonenumbers' own tables are loaded once, too)
    table = tables.get(cc)
    if table is None:
        table = tables[cc] = _PrefixTable(data, longest, cc)
    return table


def _first_zone(zones) -> str | None:
    zone = zones[0] if zones else None
    return None if zone is None or zone == pn_timezone.UNKNOWN_TIMEZONE else zone


class Normaliser:
    """Normalises numbers for one default region; holds the per-prefix caches,
    so make one per import and reuse it for every row."""

    def __init__(self, default_region: str = "CN", lang: str | None = None):
        self.region = (default_region or "CN").upper()
        self.lang = lang or ("zh" if self.region in ("CN", "TW", "HK", "MO") else "en")
        if self.region == "CN":
            self._shapes = _SHAPES_CN
        elif self.region in NANP_REGIONS:
            self._shapes = _SHAPES_NANP
        else:
            self._shapes = _SHAPES_OTHER
        self._cn_default = self.region == "CN"
        # geocoder's _find_lang reads entry[lang] first unless the locale is remapped
        self._direct_geo = self.lang not in _LOCALE_NORMALIZATION_MAP
        self._cn_mobile: dict[str, tuple | object] = {}  # 5-digit prefix → (type, zone or _PER_NUMBER) / _INVALID
        self._places: dict[int, dict[str, str | None]] = {86: {}, 1: {}}  # per _PrefixTable key
        self._zones: dict[tuple[int, bool], dict[str, str | None]] = {}
        self._slow_cache: dict[str, Normalised | str] = {}
        self.fast_hits = 0
        self.slow_calls = 0

    def normalise(self, raw: str) -> Normalised | str:
        """The normalised number, or a reject reason code (a str)."""
        if not raw:
            return EMPTY
        if raw.isascii() and raw.isdigit():
            cleaned = raw
        else:
            cleaned = raw.replace(" ", "").replace("-", "")
            if not (cleaned.isascii() and cleaned.lstrip("+").isdigit()):
                cleaned = cleaned.translate(_SEPARATORS)
        national = None
        if self._cn_default and cleaned.isascii():
            # the commonest rows of all, Chinese mobiles, without the regular
            # expression: exactly the strings its first alternative matches
            size = len(cleaned)
            if size == 11:
                national = cleaned
            elif size == 14 and cleaned.startswith("+86"):
                national = cleaned[3:]
            elif size == 13 and cleaned.startswith("86"):
                national = cleaned[2:]
            elif size == 15 and cleaned.startswith("0086"):
                national = cleaned[4:]
            if national is not None and not (national[0] == "1" and national[1] in _CN_MOBILE_SECOND
                                             and national.isdigit()):
                national = None
        if national is None:
            m = self._shapes.fullmatch(cleaned)
            if m is None:
                return self._slow(raw)
            shape = m.lastgroup
            if shape == "n":
                return self._nanp(m.group("n"), raw)
            if shape == "f":
                return self._cn_landline(m.group("f"), raw)
            national = m.group("m")
        info = self._cn_mobile.get(national[:_CN_MOBILE_KEY])
        if info is None:
            info = self._cn_mobile_prefix(national)
        if info is _INVALID:
            return self._slow(raw)
        # geocoder's table answers at its longest prefix (86 + 7 digits) for
        # most mobiles: read it directly
        geo = info[3]
        if geo is _PER_NUMBER:
            entry = _GEO.get("86" + national[:7]) if self._direct_geo else None
            geo = entry.get(self.lang) if entry is not None else None
            if not geo:
                geo = self._place(86, "86" + national, 2 + _CN_MOBILE_KEY)
            elif len(geo) > 64:
                geo = geo[:64]
        zone = info[1]
        if zone is _PER_NUMBER:
            zone = self._zone(86, "86" + national, info[2])
        self.fast_hits += 1
        return _new_normalised(Normalised, ("+86" + national, info[0], "CN", geo, zone))

    def _cn_mobile_prefix(self, national: str) -> tuple | object:
        kind = _typer(86).describe(national)[1]
        if kind == PhoneNumberType.UNKNOWN:
            info = _INVALID
        else:
            digits = "86" + national
            decided = 2 + _CN_MOBILE_KEY
            zone = self._zone(86, digits, kind)
            if is_number_type_geographical(kind, 86) and \
                    len(_table(_ZONE_TABLES, TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX, 86).key(digits)) > decided:
                zone = _PER_NUMBER  # the zone table looks deeper than the prefix
            # the place, if geocoder's table has nothing deeper than the prefix
            geo_key = _table(_GEO_TABLES, GEOCODE_DATA, GEOCODE_LONGEST_PREFIX, 86).key(digits)
            place = self._place(86, digits) if len(geo_key) <= decided else _PER_NUMBER
            info = (TYPE_NAMES.get(kind, "unknown"), zone, kind, place)
        self._cn_mobile[national[:_CN_MOBILE_KEY]] = info
        return info

    def _cn_landline(self, national: str, raw: str) -> Normalised | str:
        # Landline validity depends on deep digits of the area's pattern: each number is typed.
        typer = _typer(86)
        kind = typer.describe(national)[1]
        if kind == PhoneNumberType.UNKNOWN:
            return self._landline_reason(typer, national, raw)
        self.fast_hits += 1
        digits = "86" + national
        return _new_normalised(Normalised, ("+" + digits, TYPE_NAMES.get(kind, "unknown"), "CN",
                                            self._place(86, digits), self._zone(86, digits, kind)))

    def _landline_reason(self, typer: _CountryTyper, national: str, raw: str) -> str:
        # parse() strips a trunk 0 (and "+86 0" is the same 0) when what is
        # left is viable and of a length it accepts: then it parses exactly
        # this national number, and the reason is the reference path's.
        # Otherwise it may keep the 0: ask the reference path itself.
        if typer.viable(national) and _test_number_length(national, typer.regions[0][2].metadata) not in (
                ValidationResult.TOO_SHORT, ValidationResult.IS_POSSIBLE_LOCAL_ONLY, ValidationResult.INVALID_LENGTH):
            return _invalid_reason(PhoneNumber(country_code=86, national_number=int(national)))
        return self._slow(raw)

    def _nanp(self, national: str, raw: str) -> Normalised | str:
        region, kind = _typer(1).describe(national)
        if kind == PhoneNumberType.UNKNOWN:
            return self._slow(raw)
        self.fast_hits += 1
        digits = "1" + national
        return _new_normalised(Normalised, ("+" + digits, TYPE_NAMES.get(kind, "unknown"), region,
                                            self._place(1, digits), self._zone(1, digits, kind)))

    def _zone(self, cc: int, digits: str, kind: int) -> str | None:
        """`timezone.time_zones_for_number(...)[0]` of a valid number."""
        geographical = is_number_type_geographical(kind, cc)
        cache = self._zones.get((cc, geographical))
        if cache is None:
            cache = self._zones[(cc, geographical)] = {}
        table = _table(_ZONE_TABLES, TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX, cc)
        key = table.key(digits) if geographical else ""
        zone = cache.get(key, False)
        if zone is False:
            if geographical:  # time_zones_for_geographical_number: the digits' longest prefix
                zones = table.walk(key, lambda entry: entry) or pn_timezone._UNKNOWN_TIME_ZONE_LIST
            else:  # the country code's zones
                zones = pn_timezone._country_level_time_zones_for_number(PhoneNumber(country_code=cc))
            zone = cache[key] = _first_zone(zones)
        return zone

    def _place(self, cc: int, digits: str, known: int = 0) -> str | None:
        """`geocoder.description_for_valid_number(number, lang)`, cut to 64
        characters (CN and NANP have no mobile token to strip first)."""
        table = _table(_GEO_TABLES, GEOCODE_DATA, GEOCODE_LONGEST_PREFIX, cc)
        key = table.key(digits, known)
        places = self._places[cc]
        geo = places.get(key, False)
        if geo is False:
            lang = self.lang
            geo = table.walk(key, lambda entry: _find_lang(entry, lang, None, None))
            if not geo:  # geocoder falls back to the country's name, also for an empty description
                if not _typer(cc).single:
                    # which depends on the regions in which the whole number
                    # is valid: not cacheable on a prefix
                    return geocoder.country_name_for_number(
                        PhoneNumber(country_code=cc, national_number=int(digits[len(str(cc)):])), lang)[:64] or None
                geo = geocoder.country_name_for_number(PhoneNumber(country_code=cc, national_number=0), lang)
            geo = places[key] = geo[:64] or None
        return geo

    def _slow(self, raw: str) -> Normalised | str:
        # Junk ("n/a", "暂无", "12345") repeats a lot in client files.
        res = self._slow_cache.get(raw)
        if res is None:
            self.slow_calls += 1
            res = normalise_full(raw, self.region, self.lang)
            if len(self._slow_cache) >= _SLOW_CACHE_MAX:
                self._slow_cache.clear()
            self._slow_cache[raw] = res
        return res


def _describe(num: PhoneNumber) -> tuple[str, str | None, str | None]:
    zones = pn_timezone.time_zones_for_number(num)
    zone = zones[0] if zones and zones[0] != pn_timezone.UNKNOWN_TIMEZONE else None
    return (
        TYPE_NAMES.get(phonenumbers.number_type(num), "unknown"),
        phonenumbers.region_code_for_number(num),
        zone,
    )


def _invalid_reason(num: PhoneNumber) -> str:
    possible = phonenumbers.is_possible_number_with_reason(num)
    if possible == ValidationResult.TOO_SHORT:
        return TOO_SHORT
    if possible == ValidationResult.TOO_LONG:
        return TOO_LONG
    return INVALID


def normalise_full(raw: str, region: str, lang: str) -> Normalised | str:
    """The reference path: phonenumbers for everything (used for odd shapes
    and, in tests, to check the fast path)."""
    text = raw.strip()
    if not text:
        return EMPTY
    if not any(ch.isdigit() for ch in text):
        return NOT_A_NUMBER
    try:
        num = phonenumbers.parse(text, region)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.TOO_SHORT_NSN or exc.error_type == NumberParseException.TOO_SHORT_AFTER_IDD:
            return TOO_SHORT
        if exc.error_type == NumberParseException.TOO_LONG:
            return TOO_LONG
        return NOT_A_NUMBER
    if not phonenumbers.is_valid_number(num):
        return _invalid_reason(num)
    number_type, region_code, zone = _describe(num)
    geo = geocoder.description_for_valid_number(num, lang)[:64] or None
    return Normalised(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164),
                      number_type, region_code, geo, zone)

"""Phone-number normalisation for imports: raw text → E.164 with type, region,
place and time zone, or a reject reason.

phonenumbers is the reference, but a full parse + validate + type + geocode +
time zone costs ~60 µs per number on this hardware, three times the whole
per-row budget of an import.  Three well-formed shapes cover nearly every
row of a client list and take a fast path:

* Chinese mobiles (11 digits, 1[3-9]) and NANP numbers (10 digits): the
  metadata patterns for these shapes never look past the 5th (CN) / 6th
  (NANP) digit, so phonenumbers' answer (valid, type, region, zone) is
  computed once per prefix, by phonenumbers itself, and reused; the place
  is read from geocoder's own prefix table.
* Chinese landlines: validity depends on deep digits, so each number is
  typed by phonenumbers, but on a built `PhoneNumber` (no parse, the costly
  part).

Every other shape goes through phonenumbers in full.  Tests compare the
fast path with the full path on random numbers of all three shapes.
"""
from __future__ import annotations

import re
from typing import NamedTuple

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberType, geocoder
from phonenumbers import timezone as pn_timezone
from phonenumbers.geodata import GEOCODE_DATA, GEOCODE_LONGEST_PREFIX
from phonenumbers.prefix import _find_lang

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
# after +86 where people often keep the 0), n = NANP.
_CN_M = r"(?:\+86|0086|86)?(?P<m>1[3-9]\d{9})"
_CN_M_INTL = r"\+86(?P<m>1[3-9]\d{9})"
_CN_F = r"(?:\+860?|00860?|0)(?P<f>[2-9]\d{8,10}|10\d{8})"
_CN_F_INTL = r"\+860?(?P<f>[2-9]\d{8,10}|10\d{8})"
_NANP = r"(?:\+?1)?(?P<n>[2-9]\d{9})"
_NANP_INTL = r"\+1(?P<n>[2-9]\d{9})"
_SHAPES_CN = re.compile("|".join((_CN_M, _NANP_INTL, _CN_F)))
_SHAPES_NANP = re.compile("|".join((_CN_M_INTL, _NANP, _CN_F_INTL)))
_SHAPES_OTHER = re.compile("|".join((_CN_M_INTL, _NANP_INTL, _CN_F_INTL)))
NANP_REGIONS = {"US", "CA", "PR", "GU", "VI", "AS", "MP", "AG", "AI", "BB", "BM", "BS", "DM", "DO", "GD", "JM",
                "KN", "KY", "LC", "MS", "SX", "TC", "TT", "VC", "VG"}

# How many leading national digits decide validity/type/region/zone, and the place.
_CN_MOBILE_KEY, _CN_GEO_KEY, _NANP_KEY = 5, 7, 6
_SLOW_CACHE_MAX = 20_000
_GEO = GEOCODE_DATA
_INVALID_PREFIX = object()  # the prefix is never valid: the reference path gives the exact reason


class Normalised(NamedTuple):
    e164: str
    number_type: str
    region: str | None
    geo: str | None
    timezone: str | None


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
        self._info: dict[int, dict[str, tuple | object]] = {86: {}, 1: {}}
        self._geo: dict[int, dict[str, str | None]] = {86: {}, 1: {}}
        self._cn_info, self._cn_geo = self._info[86], self._geo[86]
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
        m = self._shapes.fullmatch(cleaned)
        if m is None:
            return self._slow(raw)
        shape = m.lastgroup
        if shape == "m":
            # the commonest row of all, a Chinese mobile whose prefix is known, inlined
            national = m.group("m")
            info = self._cn_info.get(national[:_CN_MOBILE_KEY])
            if info.__class__ is tuple:
                # geocoder's own table answers at its longest prefix (86 + 7 digits) for
                # nearly every mobile: read it directly rather than keep a copy per prefix
                entry = _GEO.get("86" + national[:_CN_GEO_KEY])
                geo = entry.get(self.lang) if entry is not None else None
                if geo is None:
                    geo = self._cn_geo.get(national[:_CN_GEO_KEY], False)
                    if geo is False:
                        geo = self._place(86, national, _CN_GEO_KEY)
                elif len(geo) > 64:
                    geo = geo[:64]
                self.fast_hits += 1
                return Normalised("+86" + national, info[0], info[1], geo, info[2])
            return self._by_prefix(86, national, _CN_MOBILE_KEY, _CN_GEO_KEY, raw)
        if shape == "n":
            return self._by_prefix(1, m.group("n"), _NANP_KEY, _NANP_KEY, raw)
        return self._cn_landline(m.group("f"), raw)

    def _by_prefix(self, cc: int, national: str, key_len: int, geo_len: int, raw: str) -> Normalised | str:
        infos = self._info[cc]
        key = national[:key_len]
        info = infos.get(key)
        if info is None:
            # First number with this prefix: ask phonenumbers, through the reference path.
            res = self._slow(raw)
            if isinstance(res, str):
                infos[key] = _INVALID_PREFIX
            elif res.e164 == f"+{cc}{national}":
                infos[key] = (res.number_type, res.region, res.timezone)
                self._geo[cc].setdefault(national[:geo_len], res.geo)
            return res
        if info is _INVALID_PREFIX:
            return self._slow(raw)
        self.fast_hits += 1
        geo = self._geo[cc].get(national[:geo_len], False)
        if geo is False:
            geo = self._place(cc, national, geo_len)
        return Normalised(f"+{cc}{national}", info[0], info[1], geo, info[2])

    def _cn_landline(self, national: str, raw: str) -> Normalised | str:
        # Landline validity depends on deep digits of the area's pattern, so
        # each number is checked, but on a built number (no parse: the costly part).
        num = PhoneNumber(country_code=86, national_number=int(national))
        kind = phonenumbers.number_type(num)
        if kind == PhoneNumberType.UNKNOWN:
            # invalid: the reason, as the reference path would give it for this same number
            possible = phonenumbers.is_possible_number_with_reason(num)
            if possible == phonenumbers.ValidationResult.TOO_SHORT:
                return TOO_SHORT
            if possible == phonenumbers.ValidationResult.TOO_LONG:
                return TOO_LONG
            return INVALID
        self.fast_hits += 1
        geo = self._geo[86].get(national[:_CN_GEO_KEY], False)
        if geo is False:
            geo = self._place(86, national, _CN_GEO_KEY)
        return Normalised(f"+86{national}", TYPE_NAMES.get(kind, "unknown"), "CN", geo, "Asia/Shanghai")

    def _place(self, cc: int, national: str, geo_len: int) -> str | None:
        # geocoder's own prefix walk over its table, minus its format_number and
        # region look-ups (CN and NANP have no mobile token); the country-name
        # fallback is left to geocoder itself.
        digits = f"{cc}{national}"
        geo = None
        for k in range(min(GEOCODE_LONGEST_PREFIX, len(digits)), 0, -1):
            entry = GEOCODE_DATA.get(digits[:k])
            if entry is not None:
                geo = _find_lang(entry, self.lang, None, None)
                if geo is not None:
                    break
        if not geo:
            geo = geocoder.description_for_valid_number(
                PhoneNumber(country_code=cc, national_number=int(national)), self.lang)
        geo = self._geo[cc][national[:geo_len]] = geo[:64] or None
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
        possible = phonenumbers.is_possible_number_with_reason(num)
        if possible == phonenumbers.ValidationResult.TOO_SHORT:
            return TOO_SHORT
        if possible == phonenumbers.ValidationResult.TOO_LONG:
            return TOO_LONG
        return INVALID
    number_type, region_code, zone = _describe(num)
    geo = geocoder.description_for_valid_number(num, lang)[:64] or None
    return Normalised(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164),
                      number_type, region_code, geo, zone)

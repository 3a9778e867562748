"""Marshmallow schemas for calling rules and dial settings."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from campaigns.rules.profiles import JURISDICTIONS, OUTCOMES_WITH_RETRY

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _valid_zone(name: str | None) -> None:
    if name is None:
        return
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except Exception:  # noqa: BLE001 - any failure means "not a zone"
        raise ValidationError(str(_l("Unknown time zone."))) from None


class HoursSchema(Schema):
    start = fields.Str(required=True, validate=validate.Regexp(HHMM))
    end = fields.Str(required=True, validate=validate.Regexp(HHMM))

    @validates_schema
    def _order(self, data, **kw):
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            raise ValidationError(str(_l("The calling window must start before it ends.")), "end")


class RetryDelaysSchema(Schema):
    no_answer = fields.Int(validate=validate.Range(min=0, max=60 * 24 * 30))
    busy = fields.Int(validate=validate.Range(min=0, max=60 * 24 * 30))
    machine = fields.Int(validate=validate.Range(min=0, max=60 * 24 * 30))
    abandoned = fields.Int(validate=validate.Range(min=0, max=60 * 24 * 30))


def _holiday(value: str) -> None:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError(str(_l("Not a valid date (YYYY-MM-DD)."))) from None


class RulesSchema(Schema):
    """The rules dict (every key optional: it is loaded as overrides)."""

    calling_hours = fields.Nested(HoursSchema)
    weekday_hours = fields.Dict(
        keys=fields.Str(validate=validate.OneOf([str(d) for d in range(7)])),
        values=fields.Nested(HoursSchema),
    )
    calling_days = fields.List(
        fields.Int(validate=validate.Range(min=0, max=6)), validate=validate.Length(min=1)
    )
    holidays = fields.List(fields.Str(validate=_holiday))
    fallback_timezone = fields.Str(allow_none=True, validate=_valid_zone)
    unknown_zone_policy = fields.Str(validate=validate.OneOf(["strictest", "default"]))
    abandon_cap = fields.Float(validate=validate.Range(min=0, max=0.5))
    abandon_window_hours = fields.Int(validate=validate.Range(min=1, max=24 * 366))
    safe_harbour_seconds = fields.Float(validate=validate.Range(min=0.5, max=10))
    min_ring_seconds = fields.Int(validate=validate.Range(min=0, max=120))
    ring_timeout_seconds = fields.Int(validate=validate.Range(min=5, max=180))
    lockout_72h = fields.Bool()
    lockout_hours = fields.Float(validate=validate.Range(min=0, max=24 * 30))
    max_attempts_per_lead = fields.Int(allow_none=True, validate=validate.Range(min=1, max=1000))
    max_attempts_per_number_per_day = fields.Int(allow_none=True, validate=validate.Range(min=1, max=100))
    retry_delays_minutes = fields.Nested(RetryDelaysSchema)
    stop_on_refusal = fields.Bool()
    consent_required = fields.Bool()
    dnc_scope = fields.Str(validate=validate.OneOf(["campaign", "global"]))
    trial_sample_only = fields.Bool()

    @validates_schema
    def _ring(self, data, **kw):
        ring, floor = data.get("ring_timeout_seconds"), data.get("min_ring_seconds")
        if ring is not None and floor is not None and ring < floor:
            raise ValidationError(
                str(_l("The ring timeout may not be shorter than the minimum ring time.")),
                "ring_timeout_seconds",
            )


# The settings a manager may set per dial mode, with sane bounds (the
# pacer's internal tuning knobs are not exposed: a huge horizon or memory
# would make the pod allocate without limit).
DIAL_SETTINGS = {
    "preview": {},
    "progressive": {},
    "ratio": {"ratio": (0.1, 10.0)},
    "predictive": {
        "target_abandon_rate": (0.0, 0.5),
        "max_lines_per_agent": (1.0, 10.0),
        "safety": (0.01, 1.0),
        "abandon_window_s": (60.0, 31 * 86400.0),
        "patience_s": (0.5, 10.0),
    },
    "vicidial": {
        "target_abandon_rate": (0.0, 0.5),
        "max_lines_per_agent": (1.0, 10.0),
        "min_level": (1.0, 10.0),
        "initial_level": (1.0, 10.0),
        "adapt_every_s": (1.0, 3600.0),
        "drop_check_every_s": (1.0, 3600.0),
        "drop_method": ("hard", "average"),
        "samples": (1, 1000),
    },
}


class DialSettingsSchema(Schema):
    """Dial mode and its settings: known keys within bounds, then checked by
    the pacer itself so the two can never disagree."""

    dial_mode = fields.Str(required=True)
    dial_settings = fields.Dict(keys=fields.Str(), values=fields.Raw(), load_default=dict)

    @validates_schema
    def _pacer_accepts(self, data, **kw):
        from dialer.pacing import make_pacer

        mode = data.get("dial_mode")
        if mode not in DIAL_SETTINGS:
            raise ValidationError(str(_l("Unknown dial mode.")), "dial_mode")
        allowed = DIAL_SETTINGS[mode]
        errors = {}
        for key, value in (data.get("dial_settings") or {}).items():
            bounds = allowed.get(key)
            if bounds is None:
                errors[key] = [str(_l("Not a setting of this dial mode."))]
            elif isinstance(bounds[0], str):
                if value not in bounds:
                    errors[key] = [str(_l("Must be one of: %(values)s.", values=", ".join(bounds)))]
            elif (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not bounds[0] <= value <= bounds[1]
            ):
                errors[key] = [
                    str(_l("Must be a number from %(low)s to %(high)s.", low=bounds[0], high=bounds[1]))
                ]
        if errors:
            raise ValidationError({"dial_settings": errors})
        try:
            make_pacer(mode, **(data.get("dial_settings") or {}))
        except (TypeError, ValueError) as exc:
            raise ValidationError(str(exc), "dial_settings") from None


class CampaignRulesSchema(Schema):
    """What the rules page sends: the profile, the overrides, the dial mode."""

    jurisdiction = fields.Str(required=True, validate=validate.OneOf(JURISDICTIONS))
    rules = fields.Nested(RulesSchema, load_default=dict)
    dial_mode = fields.Str()
    dial_settings = fields.Dict(keys=fields.Str(), values=fields.Raw())
    caller_id_strategy = fields.Str(
        validate=validate.OneOf(["fixed", "round_robin", "least_used", "local_presence"])
    )

    @validates_schema
    def _dial(self, data, **kw):
        if "dial_mode" in data or "dial_settings" in data:
            DialSettingsSchema().load(
                {"dial_mode": data.get("dial_mode", ""), "dial_settings": data.get("dial_settings") or {}}
            )


__all__ = ["OUTCOMES_WITH_RETRY", "CampaignRulesSchema", "DialSettingsSchema", "RulesSchema"]

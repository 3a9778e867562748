"""Defaults a new campaign starts from: the usual dispositions and pause reasons."""
from __future__ import annotations

# code, 中文, English, flags, recycle delay (minutes)
DEFAULT_DISPOSITIONS = [
    ("SALE", "成交", "Sale", {"is_final": True, "is_sale": True, "is_contact": True}, None, "1"),
    ("CALLBACK", "预约回访", "Callback", {"is_callback": True, "is_contact": True}, None, "2"),
    ("NOT_INTERESTED", "无意向", "Not interested", {"is_final": True, "is_contact": True}, None, "3"),
    ("DNC", "退订", "Do not call", {"is_final": True, "is_dnc": True, "is_contact": True}, None, "4"),
    ("WRONG_NUMBER", "号码错误", "Wrong number", {"is_final": True}, None, "5"),
    ("NO_ANSWER", "无人接听", "No answer", {"is_retry": True}, 120, "6"),
    ("BUSY", "忙线", "Busy", {"is_retry": True}, 30, "7"),
    ("HUNG_UP", "客户挂断", "Customer hung up", {"is_retry": True, "is_contact": True}, 240, "8"),
    ("THINK_ABOUT_IT", "考虑中", "Will think about it", {"is_retry": True, "is_contact": True}, 1440, "9"),
]

DEFAULT_PAUSE_REASONS = [
    {"code": "break", "zh": "休息", "en": "Break"},
    {"code": "meal", "zh": "用餐", "en": "Meal"},
    {"code": "training", "zh": "培训", "en": "Training"},
    {"code": "meeting", "zh": "会议", "en": "Meeting"},
    {"code": "technical", "zh": "技术问题", "en": "Technical problem"},
]


FLAGS = ("is_final", "is_retry", "is_callback", "is_sale", "is_dnc", "is_contact")


def disposition_rows(campaign_id: int) -> list[dict]:
    rows = []
    for order, (code, zh, en, flags, delay, hotkey) in enumerate(DEFAULT_DISPOSITIONS):
        rows.append(
            {
                "campaign_id": campaign_id,
                "code": code,
                "label_zh": zh,
                "label_en": en,
                "recycle_delay_minutes": delay,
                "max_recycles": 3 if flags.get("is_retry") else None,
                "hotkey": hotkey,
                "sort_order": order,
                "active": True,
                **{flag: bool(flags.get(flag)) for flag in FLAGS},
            }
        )
    return rows

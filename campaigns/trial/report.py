"""The trial report for the client: outcomes, talk times, questionnaire
answers, links to recordings and the agents' remarks."""

from __future__ import annotations

import io
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import Campaign, Lead
from core.models import User
from dialer.models import CallAttempt


def trial_report(session: Session, campaign: Campaign) -> dict:
    from campaigns.trial.service import trial_dials_left
    from recordings.models import Recording
    from scripts_mgmt.models import QuestionnaireAnswer

    rows = session.execute(
        select(CallAttempt, Lead, User, QuestionnaireAnswer, Recording)
        .outerjoin(Lead, Lead.id == CallAttempt.lead_id)
        .outerjoin(User, User.id == CallAttempt.agent_id)
        .outerjoin(QuestionnaireAnswer, QuestionnaireAnswer.attempt_id == CallAttempt.id)
        .outerjoin(Recording, Recording.attempt_id == CallAttempt.id)
        .where(CallAttempt.campaign_id == campaign.id, CallAttempt.is_trial.is_(True))
        .order_by(CallAttempt.dialed_at, CallAttempt.id)
    ).all()
    calls, seen = [], set()
    outcomes, dispositions = Counter(), Counter()
    talk = []
    for attempt, lead, agent, answers, recording in rows:
        if attempt.id in seen:  # a second recording row would repeat the call
            continue
        seen.add(attempt.id)
        outcome = attempt.outcome.value if attempt.outcome else "pending"
        outcomes[outcome] += 1
        if attempt.disposition_code:
            dispositions[attempt.disposition_code] += 1
        if attempt.talk_seconds:
            talk.append(attempt.talk_seconds)
        calls.append(
            {
                "attempt_id": attempt.id,
                "dialed_at": attempt.dialed_at.isoformat() if attempt.dialed_at else None,
                "lead_id": attempt.lead_id,
                "lead_name": lead.name if lead else None,
                "phone": attempt.phone_e164,
                "agent": (agent.display_name or agent.username) if agent else None,
                "outcome": outcome,
                "disposition": attempt.disposition_code,
                "talk_seconds": round(attempt.talk_seconds or 0, 1),
                "answers": answers.answers if answers else {},
                "recording_id": recording.id if recording else attempt.recording_id,
                "recording_url": f"/api/v1/recordings/{recording.id}/audio" if recording else None,
                "remarks": attempt.notes or "",
            }
        )
    signed_by = session.get(User, campaign.trial_signed_off_by) if campaign.trial_signed_off_by else None
    return {
        "campaign": {
            "id": campaign.id,
            "code": campaign.code,
            "name": campaign.name,
            "client_name": campaign.client_name,
            "state": campaign.state.value,
        },
        "summary": {
            "dials": len(calls),
            "dial_cap": campaign.trial_dial_cap,
            "dials_left": trial_dials_left(session, campaign),
            "sample_size": session.query(Lead)
            .filter(Lead.campaign_id == campaign.id, Lead.in_trial_sample.is_(True))
            .count(),
            "outcomes": dict(outcomes),
            "dispositions": dict(dispositions),
            "talked_calls": len(talk),
            "total_talk_seconds": round(sum(talk), 1),
            "average_talk_seconds": round(sum(talk) / len(talk), 1) if talk else 0.0,
        },
        "sign_off": {
            "signed_off_by": (signed_by.display_name or signed_by.username) if signed_by else None,
            "signed_off_at": campaign.trial_signed_off_at.isoformat()
            if campaign.trial_signed_off_at
            else None,
            "note": campaign.trial_signoff_note,
            "waived": bool(campaign.trial_waived),
            "waiver_reason": campaign.trial_waiver_reason,
        },
        "calls": calls,
    }


HEADERS = [
    "呼叫时间",
    "客户",
    "号码",
    "座席",
    "结果",
    "处理结果",
    "通话时长(秒)",
    "问卷答案",
    "录音",
    "座席备注",
]


def trial_report_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "试呼明细"
    sheet.append(HEADERS)
    for c in report["calls"]:
        answers = "; ".join(f"{k}: {v}" for k, v in (c["answers"] or {}).items())
        sheet.append(
            [
                c["dialed_at"],
                c["lead_name"],
                c["phone"],
                c["agent"],
                c["outcome"],
                c["disposition"],
                c["talk_seconds"],
                answers,
                c["recording_url"] or "",
                c["remarks"],
            ]
        )
    summary = book.create_sheet("汇总")
    s = report["summary"]
    for label, value in [
        ("拨打次数", s["dials"]),
        ("试呼上限", s["dial_cap"]),
        ("剩余可拨", s["dials_left"]),
        ("样本数", s["sample_size"]),
        ("接通通话数", s["talked_calls"]),
        ("总通话时长(秒)", s["total_talk_seconds"]),
        ("平均通话时长(秒)", s["average_talk_seconds"]),
    ]:
        summary.append([label, value])
    summary.append([])
    summary.append(["结果", "次数"])
    for k, v in s["outcomes"].items():
        summary.append([k, v])
    summary.append(["处理结果", "次数"])
    for k, v in s["dispositions"].items():
        summary.append([k, v])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

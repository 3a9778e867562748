"""What the agent console uses: the script rendered for the lead on the call,
and the questionnaire answers of a call checked and stored with the version
the call was stamped with."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from scripts_mgmt.errors import ScriptsError
from scripts_mgmt.models import QuestionnaireAnswer, ScriptVersion
from scripts_mgmt.questionnaire.answers import AnswerCheck, check_answers
from scripts_mgmt.rendering import Rendered, render_content
from scripts_mgmt.variables import lead_values


def missing_label() -> str:
    """The placeholder shown for a variable without a value, e.g. [缺少: 姓名]."""
    return _("[missing: {name}]")


def render(version: ScriptVersion, lead, agent, campaign, content: str | None = None) -> Rendered:
    text = version.content if content is None else content
    return render_content(text, lead_values(lead, agent, campaign), missing_label())


def render_for_lead(version: ScriptVersion, lead, agent, campaign) -> str:
    """The script as the agent sees it for this lead: safe HTML."""
    return render(version, lead, agent, campaign).html


def record_answers(
    session: Session, attempt, answers: dict, agent
) -> tuple[QuestionnaireAnswer, AnswerCheck]:
    """Check the answers against the questionnaire of the version the call used
    and store them (replacing earlier answers of the same call).  Answers to
    questions that were not shown are dropped; ScriptsError (422) with the
    problems if any answer is wrong or a shown required question is empty."""
    if attempt.script_version_id is None:
        raise ScriptsError("This call has no script version; its answers cannot be checked.", 409)
    version = session.get(ScriptVersion, attempt.script_version_id)
    check = check_answers(version.questionnaire, answers)
    if not check.ok:
        raise ScriptsError("The answers are not valid.", 422, "answers", details={"issues": check.errors})
    row = session.scalar(select(QuestionnaireAnswer).where(QuestionnaireAnswer.attempt_id == attempt.id))
    if row is None:
        row = QuestionnaireAnswer(attempt_id=attempt.id)
        session.add(row)
    row.script_version_id = version.id
    row.lead_id = attempt.lead_id
    row.agent_id = getattr(agent, "id", None)
    row.answers = check.cleaned
    session.flush()
    return row, check

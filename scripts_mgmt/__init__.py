"""Call scripts (话术) and their versions, variables, questionnaires with
branching, objection answers (应对话术), the client's approval, and QA
scorecards (FQA).

What other packages call:

* dialer: `scripts_mgmt.pinning.version_for_new_call(session, campaign_id)`
  gives the script version id to stamp on `CallAttempt.script_version_id`
  when a call is placed (None when the campaign has no approved pin).
* campaigns: `scripts_mgmt.pinning.pin_version(session, campaign, version,
  actor, approval_note)` and `pin_scorecard(...)`.
* agent console: `scripts_mgmt.console.render_for_lead(version, lead, agent,
  campaign) -> html` and `record_answers(session, attempt, answers, agent)`;
  over HTTP, /api/v1/scripts/attempts/<id>/script and /answers,
  /api/v1/scripts/campaigns/<id>/objections and /questionnaire; in the page,
  static/scripts/questionnaire.js.
* QA: `scripts_mgmt.scoring.score(items, marks) -> (total, auto_failed, breakdown)`.

Only drafts change; approval refuses a questionnaire with problems and, unless
explicitly acknowledged, variables the campaign's leads do not provide.
"""

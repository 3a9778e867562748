"""QA through the API: search, play with Range, score on the pinned
scorecard, comment at a time, confirm an opt-out, agents see only theirs."""
from __future__ import annotations

import uuid

import pytest

from recordings.jobs import archive_recording

@pytest.fixture
def optout_call(session, scored_campaign, users, make_recording):
    from campaigns.models import Disposition
    from dialer.models import CallAttempt, CallOutcome

    dnc = Disposition(campaign_id=scored_campaign.id, code="DNC", label_zh="退订", label_en="Opt out", is_dnc=True)
    session.add(dnc)
    session.flush()
    attempt = CallAttempt(uuid=str(uuid.uuid4()), campaign_id=scored_campaign.id, phone_e164="+8613912345678",
                          outcome=CallOutcome.HUMAN, agent_id=users["agent"].id, disposition_id=dnc.id,
                          disposition_code="DNC", talk_seconds=14.0)
    session.add(attempt)
    session.flush()
    return make_recording(scored_campaign, clip="agent_pitch_zh.wav", attempt_id=attempt.id,
                          agent_id=users["agent"].id, phone_e164="+8613912345678")


def test_catalogue_search_filters(as_role, optout_call, campaign, make_recording, archive_dir):
    other = make_recording(campaign, phone_e164="+8613700000000")
    qa = as_role("qa")
    r = qa.get("/api/v1/recordings?phone=912345")
    assert r.status_code == 200 and [i["id"] for i in r.json["items"]] == [optout_call.id]
    assert r.json["items"][0]["disposition"] == "DNC" and r.json["items"][0]["is_dnc"] is True
    assert r.json["items"][0]["agent_name"] == "agent1"
    assert {i["id"] for i in qa.get("/api/v1/recordings?date_from=2026-11-20&date_to=2026-11-20").json["items"]} \
        == {optout_call.id, other.id}
    assert qa.get("/api/v1/recordings?date_from=2026-11-21").json["total"] == 0
    assert qa.get("/api/v1/recordings?disposition=DNC&min_duration=10").json["total"] == 1
    assert qa.get("/api/v1/recordings?min_duration=20").json["total"] == 0
    assert qa.get("/api/v1/recordings?per_page=0").status_code == 422
    assert as_role("agent").get("/api/v1/recordings").status_code == 403
    page = qa.get("/recordings/?phone=912345")
    assert page.status_code == 200 and "+8613912345678" in page.text


def test_audio_supports_range_requests(as_role, optout_call, archive_dir):
    archive_recording(optout_call.id)
    qa = as_role("qa")
    full = qa.get(f"/api/v1/recordings/{optout_call.id}/audio")
    assert full.status_code == 200 and full.mimetype == "audio/flac" and full.data[:4] == b"fLaC"
    assert full.headers["Accept-Ranges"] == "bytes"
    part = qa.get(f"/api/v1/recordings/{optout_call.id}/audio", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == full.data[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(full.data)}"


def test_review_score_comment_and_optout(as_role, session, optout_call, users, archive_dir):
    from campaigns.models import DncEntry

    qa = as_role("qa")
    review = qa.post(f"/api/v1/recordings/{optout_call.id}/review").json
    assert review["status"] == "draft" and review["agent_id"] == users["agent"].id
    assert qa.post(f"/api/v1/recordings/{optout_call.id}/review").json["id"] == review["id"]  # one per recording
    url = f"/api/v1/recordings/reviews/{review['id']}"
    r = qa.put(url, json={"marks": {"greet": True, "nope": True}})
    assert r.status_code == 422 and "nope" in str(r.json)
    r = qa.put(url, json={"marks": {"greet": True}, "finish": True})
    assert r.status_code == 422  # not every item marked
    r = qa.put(url, json={"marks": {"greet": True, "pitch": 0.5, "honest": True}})
    assert r.status_code == 200 and r.json["total"] == 60.0 and r.json["status"] == "draft"
    c = qa.post(url + "/comments", json={"at_seconds": 7.5, "text": "客户明确要求不再来电"})
    assert c.status_code == 201 and c.json["at_seconds"] == 7.5
    r = qa.put(url, json={"optout_verified": True, "finish": True})
    assert r.status_code == 200 and r.json["status"] == "final" and r.json["optout_verified"] is True
    assert [c["text"] for c in r.json["comments"]] == ["客户明确要求不再来电"]
    entry = session.query(DncEntry).filter_by(phone_e164="+8613912345678").one()
    assert entry.confirmed_by == users["qa"].id and entry.confirmed_at is not None
    assert qa.put(url, json={"marks": {"greet": False}}).status_code == 409  # final stays final
    page = qa.get(f"/recordings/{optout_call.id}")
    assert page.status_code == 200 and 'data-at="7.5"' in page.text


def test_auto_fail_zeroes_the_total(as_role, optout_call, archive_dir):
    qa = as_role("supervisor")
    review = qa.post(f"/api/v1/recordings/{optout_call.id}/review").json
    r = qa.put(f"/api/v1/recordings/reviews/{review['id']}",
               json={"marks": {"greet": True, "pitch": True, "honest": False}, "finish": True})
    assert r.json["total"] == 0 and r.json["auto_failed"] is True


def test_agents_see_only_their_own_final_scores(as_role, session, optout_call, users, archive_dir):
    from recordings.models import QaReview

    qa = as_role("qa")
    review = qa.post(f"/api/v1/recordings/{optout_call.id}/review").json
    url = f"/api/v1/recordings/reviews/{review['id']}"
    agent = as_role("agent")
    assert agent.get(url).status_code == 404  # a draft is not shown yet
    qa.put(url, json={"marks": {"greet": True, "pitch": True, "honest": True}, "finish": True})
    session.add(QaReview(agent_id=_agent2(session).id, status="final", total=10.0))
    session.commit()
    mine = agent.get("/api/v1/recordings/my-scores").json
    assert [(r["id"], r["total"]) for r in mine] == [(review["id"], 100.0)]
    assert agent.get(url).status_code == 200
    other = session.query(QaReview).filter_by(total=10.0).one()
    assert agent.get(f"/api/v1/recordings/reviews/{other.id}").status_code == 404
    assert agent.put(url, json={"marks": {}}).status_code == 403
    page = agent.get("/recordings/my-scores")
    assert page.status_code == 200 and "100.00" in page.text and "10.00" not in page.text
    assert qa.get("/recordings/my-scores").status_code == 403


def test_no_scorecard_is_a_conflict(as_role, campaign, make_recording, archive_dir):
    rec = make_recording(campaign)
    assert as_role("qa").post(f"/api/v1/recordings/{rec.id}/review").status_code == 409


def _agent2(session):
    from core.models import Role
    from tests.conftest import make_user

    return make_user(session, "agent2", Role.AGENT)

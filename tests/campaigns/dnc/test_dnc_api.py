"""DNC management: add/remove with reason and author (audited), search, bulk
import as a registry, export; an added number leaves every hopper at once."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from campaigns.models import Campaign, DncEntry
from core.models import AuditLog

API = "/api/v1/dnc"


@pytest.fixture
def campaign(session):
    c = Campaign(code="D1", name="DNC", default_region="CN")
    session.add(c)
    session.commit()
    return c


def test_add_search_remove_audited(session, as_role, users, campaign):
    tech = as_role("technician")
    r = tech.post(f"{API}/entries", json={"phone": "138-0013-8000", "reason": "客户要求不再来电"})
    assert r.status_code == 201, r.json
    entry = r.json
    assert entry["phone_e164"] == "+8613800138000" and entry["scope"] == "global"
    assert entry["created_by"] == users["technician"].id and entry["source"] == "manual"
    assert tech.post(f"{API}/entries", json={"phone": "+8613800138000", "reason": "again"}).status_code == 409
    r = tech.post(f"{API}/entries", json={"phone": "13900139000", "scope": "campaign", "campaign_id": campaign.id,
                                          "reason": "opt-out"})
    assert r.status_code == 201 and r.json["scope"] == str(campaign.id)
    assert tech.post(f"{API}/entries", json={"phone": "n/a", "reason": "x"}).status_code == 422
    assert tech.post(f"{API}/entries", json={"phone": "13900139000", "scope": "campaign",
                                             "reason": "x"}).status_code == 422

    page = tech.get(f"{API}/entries?q=138 0013").json
    assert page["total"] == 1 and page["entries"][0]["phone_e164"] == "+8613800138000"
    assert tech.get(f"{API}/entries?scope=campaign").json["total"] == 1
    assert tech.get(f"{API}/entries?q=opt").json["total"] == 1

    assert tech.post(f"{API}/entries/{entry['id']}/remove", json={}).status_code == 422  # a reason is required
    assert tech.post(f"{API}/entries/{entry['id']}/remove", json={"reason": "entered by mistake"}).status_code == 204
    assert session.get(DncEntry, entry["id"]) is None
    actions = {(a.action, a.reason, a.actor_id) for a in session.scalars(select(AuditLog))}
    assert ("dnc.add", "客户要求不再来电", users["technician"].id) in actions
    assert ("dnc.remove", "entered by mistake", users["technician"].id) in actions


def post_import(user, data: dict):
    return user.client.post(f"{API}/imports", data=data, content_type="multipart/form-data",
                            headers={"X-CSRFToken": user.csrf})


def run_worker():
    from rq import Worker

    from core.redis_conn import app_queue

    queue = app_queue("imports")
    Worker([queue], connection=queue.connection).work(burst=True)


def import_and_wait(user, data: dict) -> dict:
    """Post the file, check it is queued, run the worker, return the job's final state."""
    r = post_import(user, data)
    assert r.status_code == 202, r.json
    assert r.json["status"] == "queued" and r.json["job_id"].startswith("dnc-import-")
    assert user.get(f"{API}/imports/{r.json['job_id']}").json["status"] == "queued"
    run_worker()
    state = user.get(f"{API}/imports/{r.json['job_id']}")
    assert state.status_code == 200
    return state.json


def uploads_left(app) -> list:
    root = Path(app.config["INSTANCE_PATH"]) / "imports"
    return sorted(p.name for p in root.glob("dnc-*")) if root.exists() else []


def test_bulk_registry_import_and_export(app, session, as_role, campaign, tmp_path):
    manager = as_role("manager")
    session.add(DncEntry(phone_e164="+8613700137000", scope="global"))
    session.commit()
    body = "电话\n13800138000\n13700137000\n暂无\n+86 139 0013 9000\n13800138000\n"
    state = import_and_wait(manager, {"file": (io.BytesIO(body.encode("gbk")), "registry.csv"),
                                      "registry_name": "工信部2026", "reason": "registry"})
    assert state["status"] == "finished" and state["filename"] == "registry.csv"
    assert state["result"] == {"rows": 5, "added": 2, "already_listed": 2, "invalid": 1, "scope": "global",
                               "registry_name": "工信部2026", "removed_from_hoppers": 0}
    session.expire_all()
    entries = session.scalars(select(DncEntry).where(DncEntry.registry_name == "工信部2026")).all()
    assert {e.phone_e164 for e in entries} == {"+8613800138000", "+8613900139000"}
    assert all(e.source == "registry" for e in entries)
    assert uploads_left(app) == []  # the upload goes once the job has read it
    r = manager.get(f"{API}/export?registry_name=工信部2026")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0][0] == "phone_e164" and sorted(r[0] for r in rows[1:]) == ["+8613800138000", "+8613900139000"]
    # bad files get the same clear refusals as call-list imports, at once, and nothing is queued or kept
    r = post_import(manager, {"file": (io.BytesIO(b""), "empty.csv")})
    assert r.status_code == 422 and r.json["errors"]["file"]
    r = post_import(manager, {"file": (io.BytesIO(b"\x00\x01\x02PK\xff" * 200), "junk.xlsx")})
    assert r.status_code == 422 and r.json["errors"]["file"]
    r = post_import(manager, {"file": (io.BytesIO(b"13800138000\n"), "n.txt"), "scope": "campaign"})
    assert r.status_code == 422 and r.json["errors"]["campaign_id"]
    r = post_import(manager, {"file": (io.BytesIO(b"13800138000\n"), "n.txt"), "scope": "campaign",
                              "campaign_id": "4242"})
    assert r.status_code == 404
    assert uploads_left(app) == []
    from core.redis_conn import app_queue
    assert app_queue("imports").count == 0


def test_a_file_refused_by_the_job_adds_nothing(app, session, as_role, campaign):
    """The header reads as UTF-8, a later row does not: the job refuses the
    whole file with the reason, in one transaction, so nothing is added."""
    manager = as_role("manager")
    from campaigns.lists.sources import SAMPLE_BYTES

    rows = "\n".join(f"138{n:08d}" for n in range(1, 2 * SAMPLE_BYTES // 12)) + "\n"  # beyond the checked head
    body = ("phone\n" + rows).encode() + "13912345678,张三\n".encode("gbk")
    state = import_and_wait(manager, {"file": (io.BytesIO(body), "mixed.csv"), "encoding": "utf-8"})
    assert state["status"] == "refused" and "encoding" in state["errors"], state
    assert session.scalar(select(func.count()).select_from(DncEntry)) == 0
    assert uploads_left(app) == []


def test_import_state_answers_only_for_dnc_import_jobs(app, as_role):
    from core.redis_conn import app_queue

    manager = as_role("manager")
    assert manager.get(f"{API}/imports/no-such-job").status_code == 404
    other = app_queue("imports").enqueue("campaigns.lists.jobs.import_job", 1, job_id="import-1-abc")
    try:
        assert manager.get(f"{API}/imports/{other.id}").status_code == 404
    finally:
        other.delete()
    assert as_role("agent").get(f"{API}/imports/no-such-job").status_code == 403


def test_registry_numbers_are_scrubbed_from_imports(app, session, as_role, campaign, tmp_path):
    from campaigns.lists import service
    from campaigns.lists.importer import run_batch
    from campaigns.models import CallList

    session.add(DncEntry(phone_e164="+8613800138000", scope="global", source="registry", registry_name="R"))
    session.add(DncEntry(phone_e164="+8613900139000", scope=str(campaign.id), campaign_id=campaign.id))
    call_list = CallList(campaign_id=campaign.id, name="l")
    session.add(call_list)
    session.commit()
    path = tmp_path / "l.csv"
    path.write_text("手机号码\n13800138000\n13900139000\n13700137000\n", encoding="utf-8")
    batch = service.create_batch(session, path=str(path), filename="l.csv", campaign_id=campaign.id,
                                 list_id=call_list.id)
    service.confirm(session, batch, batch.mapping, None, None)
    session.commit()
    result = run_batch(batch.id, None)
    assert result["accepted"] == 1 and result["by_reason"] == {"dnc": 2}


def test_roles(as_role):
    assert as_role("agent").get(f"{API}/entries").status_code == 403
    assert as_role("agent").post(f"{API}/entries", json={"phone": "13800138000", "reason": "x"}).status_code == 403
    assert as_role("technician").get("/dnc/").status_code == 200
    assert as_role("supervisor").get("/dnc/").status_code == 403


def test_added_number_leaves_every_hopper_at_once(app, session, redis_client, as_role, campaign):
    """End to end with the dialer's hopper: leads queued in two campaigns leave
    both hoppers when their number goes on the global list; a campaign entry
    only touches that campaign's hopper; the change is announced on events:dnc."""
    from dialer.hopper import Hopper

    from core.events import DNC_EVENTS

    other = Campaign(code="D2", name="other")
    session.add(other)
    session.commit()
    h1, h2 = Hopper(redis_client, campaign.id), Hopper(redis_client, other.id)
    h1.push([(1, "+8613800138000", 1.0), (2, "+8613900139000", 2.0), (3, "+8613700137000", 3.0)])
    h2.push([(11, "+8613800138000", 1.0), (12, "+8613700137000", 2.0)])
    pubsub = redis_client.pubsub()
    pubsub.subscribe(DNC_EVENTS)
    pubsub.get_message(timeout=1)  # the subscribe confirmation

    tech = as_role("technician")
    assert tech.post(f"{API}/entries", json={"phone": "138 0013 8000", "reason": "complaint"}).status_code == 201
    assert not h1.contains(1) and not h2.contains(11)
    assert h1.contains(2) and h1.contains(3) and h2.contains(12)
    event = json.loads(pubsub.get_message(timeout=2)["data"])
    assert event["type"] == "added" and event["numbers"] == ["+8613800138000"]
    assert event["removed_from_hoppers"] == 2

    r = tech.post(f"{API}/entries", json={"phone": "13700137000", "scope": "campaign", "campaign_id": campaign.id,
                                          "reason": "opt-out"})
    assert r.status_code == 201
    assert not h1.contains(3) and h2.contains(12)  # only this campaign's hopper
    # what is left is dialled as usual
    assert [lead.lead_id for lead in h1.take("pod-1", 10, now=0.0)] == [2]


def test_bulk_import_purges_hoppers_too(app, session, redis_client, as_role, campaign):
    from dialer.hopper import Hopper

    hopper = Hopper(redis_client, campaign.id)
    hopper.push([(n, f"+86138{n:08d}", float(n)) for n in range(1, 201)])
    body = "\n".join(f"138{n:08d}" for n in range(1, 101)) + "\n"
    state = import_and_wait(as_role("manager"), {"file": (io.BytesIO(body.encode()), "numbers.txt")})
    assert state["result"]["added"] == 100 and state["result"]["removed_from_hoppers"] == 100
    assert hopper.size() == 100 and not hopper.contains(50) and hopper.contains(150)

"""The import path end to end: upload → preview → confirm → RQ job (real Redis,
real burst worker) → leads, progress, rejects download, undo, cancel."""
from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from campaigns.models import DncEntry, ImportBatch, ImportReject, Lead
from core.models import AuditLog
from tests.campaigns.lists.conftest import write_csv

API = "/api/v1/lists"
UTF8_SAMPLE = "cn_small_utf8.csv"


def upload(user, path, campaign, call_list=None, **form):
    data = {"campaign_id": str(campaign.id), **{k: str(v) for k, v in form.items()}}
    if call_list is not None:
        data["list_id"] = str(call_list.id)
    with open(path, "rb") as fh:
        data["file"] = (fh, path.name if hasattr(path, "name") else str(path).rsplit("/", 1)[-1])
        return user.client.post(f"{API}/uploads", data=data, content_type="multipart/form-data",
                                headers={"X-CSRFToken": user.csrf})


def run_worker(app):
    from rq import Worker

    from core.redis_conn import app_queue

    queue = app_queue("imports")
    Worker([queue], connection=queue.connection).work(burst=True)


def leads_of(session, batch_id):
    session.expire_all()
    return session.scalars(select(Lead).where(Lead.batch_id == batch_id).order_by(Lead.row_number)).all()


def import_file(app, user, path, campaign, call_list, mapping=None, options=None):
    r = upload(user, path, campaign, call_list)
    assert r.status_code == 201, r.json
    batch = r.json
    r = user.post(f"{API}/batches/{batch['id']}/confirm",
                  json={"mapping": mapping or batch["mapping"], "options": options or {}})
    assert r.status_code == 202, r.json
    assert r.json["status"] == "queued"
    run_worker(app)
    return user.get(f"{API}/batches/{batch['id']}").json


def test_gbk_client_export_through_the_worker(app, session, as_role, campaign_list, samples):
    campaign, call_list = campaign_list
    session.add(DncEntry(phone_e164="+8615198780219", scope="global", source="registry", registry_name="工信部"))
    session.commit()
    tech = as_role("technician")
    r = upload(tech, samples / "cn_client_export_gbk.csv", campaign, call_list)
    assert r.status_code == 201, r.json
    batch = r.json
    assert batch["encoding"] == "gb18030" and batch["status"] == "pending"
    assert batch["mapping"]["phone"] == ["手机号码"] and batch["mapping"]["name"] == ["姓名"]
    first = batch["preview"][0]
    # preview shows the row as it will be imported; nothing is in the database yet
    assert first["status"] == "rejected" and first["reason"] == "dnc" and first["detail"] == "registry:工信部"
    assert batch["preview"][1]["phone_e164"] == "+8618685694172"
    assert session.scalar(select(func.count()).select_from(Lead)) == 0

    r = tech.post(f"{API}/batches/{batch['id']}/confirm", json={"mapping": batch["mapping"]})
    assert r.status_code == 202
    run_worker(app)
    status = tech.get(f"{API}/batches/{batch['id']}").json
    assert status["status"] == "done", status
    assert status["rows_done"] == status["rows_total"] == 300
    assert status["accepted"] + status["rejected"] == 300
    assert status["reject_summary"]["dnc"] == 1
    leads = leads_of(session, batch["id"])
    assert len(leads) == status["accepted"]
    assert leads[0].fields.keys() == {"城市", "备注", "客户编号"}
    assert all(lead.phone_e164.startswith("+86") and lead.timezone == "Asia/Shanghai" for lead in leads)
    assert session.scalar(select(func.count()).select_from(ImportReject)) == status["rejected"]
    assert session.scalar(select(AuditLog).where(AuditLog.action == "lists.import")) is not None

    # rejected rows: CSV in the file's own encoding, formulas neutralised
    r = tech.get(f"{API}/batches/{batch['id']}/rejects?format=csv")
    assert r.status_code == 200
    text = r.data.decode("gb18030")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["row", "reason", "reason_text", "detail"] and rows[0][4:6] == ["姓名", "手机号码"]
    assert len(rows) == status["rejected"] + 1
    assert not any(c.startswith(("=", "+", "-", "@")) for row in rows for c in row)
    r = tech.get(f"{API}/batches/{batch['id']}/rejects?format=xlsx")
    sheet = load_workbook(io.BytesIO(r.data), read_only=True).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert len(values) == status["rejected"] + 1
    assert not any(isinstance(c, str) and c.startswith("=") for row in values for c in row)


def test_formula_cells_are_neutralised_in_downloads(app, session, as_role, campaign_list, tmp_path):
    campaign, call_list = campaign_list
    path = write_csv(tmp_path / "f.csv", [["手机号码", "备注"], ["bad", '=HYPERLINK("http://x")'],
                                          ["12", "+1+1"], ["0", "@SUM(A1)"], ["1", "-2"], ["2", "\tx"]])
    tech = as_role("technician")
    status = import_file(app, tech, path, campaign, call_list)
    assert status["status"] == "done" and status["rejected"] == 5
    rows = list(csv.reader(io.StringIO(tech.get(f"{API}/batches/{status['id']}/rejects").data.decode())))
    notes = [row[5] for row in rows[1:]]
    assert notes == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'@SUM(A1)", "'-2", "'\tx"]


def test_us_list_several_phone_columns_and_template(app, session, as_role, users, tmp_path):
    from campaigns.models import CallList, Campaign

    campaign = Campaign(code="US1", name="US", default_region="US", timezone="America/New_York")
    session.add(campaign)
    session.commit()
    path = write_csv(tmp_path / "us.csv", [["first_name", "last_name", "phone", "cell", "zip"],
                                           ["Mary", "Smith", "(212) 555-2368", "+1 415-555-0199", "10001"],
                                           ["John", "Doe", "n/a", "808.555.1234", "96801"]])
    manager = as_role("manager")
    r = upload(manager, path, campaign, list_name="spring")
    assert r.status_code == 201, r.json
    batch = r.json
    assert batch["mapping"] == {"phone": ["phone", "cell"], "name": ["first_name", "last_name"],
                                "fields": {"zip": "zip"}}
    r = manager.post(f"{API}/batches/{batch['id']}/confirm",
                     json={"mapping": batch["mapping"], "save_template_as": "US standard"})
    assert r.status_code == 202
    run_worker(app)
    leads = leads_of(session, batch["id"])
    assert [(lead.name, lead.phone_e164, lead.alt_phones, lead.timezone) for lead in leads] == [
        ("Mary Smith", "+12125552368", ["+14155550199"], "America/New_York"),
        ("John Doe", "+18085551234", [], "Pacific/Honolulu"),
    ]
    assert session.scalar(select(CallList).where(CallList.name == "spring")).campaign_id == campaign.id
    templates = manager.get(f"{API}/templates").json
    assert [t["name"] for t in templates] == ["US standard"]
    # the template maps the next file the same way
    r = upload(manager, path, campaign, list_name="summer", template_id=templates[0]["id"])
    assert r.json["mapping"] == batch["mapping"]


def test_duplicates_across_lists_and_options(app, session, as_role, campaign_list, tmp_path):
    from campaigns.models import CallList

    campaign, call_list = campaign_list
    other = CallList(campaign_id=campaign.id, name="other")
    session.add(other)
    session.commit()
    tech = as_role("technician")
    first = write_csv(tmp_path / "a.csv", [["手机号码"], ["13800138000"], ["13900139000"]])
    assert import_file(app, tech, first, campaign, call_list)["accepted"] == 2
    second = write_csv(tmp_path / "b.csv", [["手机号码"], ["13800138000"], ["13700137000"], ["13700137000"]])
    status = import_file(app, tech, second, campaign, call_list)
    assert status["reject_summary"] == {"duplicate_in_list": 1, "duplicate_in_file": 1}
    status = import_file(app, tech, second, campaign, other)
    assert status["reject_summary"] == {"duplicate_in_campaign": 3}
    status = import_file(app, tech, second, campaign, other,
                         options={"dedup_file": False, "dedup_list": True, "dedup_campaign": False})
    assert status["accepted"] == 3 and status["rejected"] == 0


def test_preview_with_edited_mapping(app, as_role, campaign_list, tmp_path):
    campaign, call_list = campaign_list
    path = write_csv(tmp_path / "p.csv", [["编号", "号码A", "号码B"], ["1", "n/a", "13800138000"]])
    tech = as_role("technician")
    batch = upload(tech, path, campaign, call_list).json
    r = tech.post(f"{API}/batches/{batch['id']}/preview",
                  json={"mapping": {"phone": ["号码B"], "name": [], "fields": {"id": "编号"}}})
    assert r.status_code == 200
    assert r.json[0]["phone_e164"] == "+8613800138000" and r.json[0]["fields"] == {"id": "1"}
    r = tech.post(f"{API}/batches/{batch['id']}/preview", json={"mapping": {"phone": ["nope"]}})
    assert r.status_code == 422 and "nope" in json.dumps(r.json, ensure_ascii=False)


def test_undo_keeps_dialled_leads(app, session, as_role, campaign_list, tmp_path):
    from dialer.models import CallAttempt

    campaign, call_list = campaign_list
    path = write_csv(tmp_path / "u.csv", [["手机号码"]] + [[f"1380013{n:04d}"] for n in range(10)])
    tech = as_role("technician")
    status = import_file(app, tech, path, campaign, call_list)
    leads = leads_of(session, status["id"])
    leads[0].attempt_count = 1
    session.add(CallAttempt(uuid="u-1", campaign_id=campaign.id, lead_id=leads[1].id, phone_e164=leads[1].phone_e164))
    session.commit()
    r = tech.post(f"{API}/batches/{status['id']}/undo", json={"reason": "wrong list"})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "undone"
    assert r.json["undo"]["removed"] == 8 and r.json["undo"]["kept"] == 2
    assert sorted(r.json["undo"]["kept_lead_ids"]) == sorted([leads[0].id, leads[1].id])
    assert {lead.id for lead in leads_of(session, status["id"])} == {leads[0].id, leads[1].id}
    assert tech.post(f"{API}/batches/{status['id']}/undo", json={}).status_code == 409
    assert session.scalar(select(AuditLog).where(AuditLog.action == "lists.undo")).reason == "wrong list"


def test_cancel_before_the_worker_runs(app, session, as_role, campaign_list, tmp_path):
    campaign, call_list = campaign_list
    path = write_csv(tmp_path / "c.csv", [["手机号码"], ["13800138000"]])
    tech = as_role("technician")
    batch = upload(tech, path, campaign, call_list).json
    tech.post(f"{API}/batches/{batch['id']}/confirm", json={"mapping": batch["mapping"]})
    r = tech.post(f"{API}/batches/{batch['id']}/cancel")
    assert r.status_code == 202 and r.json["status"] == "cancelled"
    run_worker(app)
    assert tech.get(f"{API}/batches/{batch['id']}").json["status"] == "cancelled"
    assert leads_of(session, batch["id"]) == []
    assert tech.post(f"{API}/batches/{batch['id']}/cancel").status_code == 409


@pytest.mark.parametrize("parallel", [False, True])
def test_cancel_while_running_leaves_nothing(app, session, redis_client, campaign_list, tmp_path, parallel):
    from campaigns.lists import progress, service
    from campaigns.lists.importer import run_batch

    campaign, call_list = campaign_list
    path = write_csv(tmp_path / "big.csv", [["手机号码"]] + [[f"138{n:08d}"] for n in range(3000)])
    batch = service.create_batch(session, path=str(path), filename="big.csv", campaign_id=campaign.id,
                                 list_id=call_list.id)
    service.confirm(session, batch, batch.mapping, None, None)
    session.commit()
    progress.request_cancel(redis_client, batch.id)  # noticed after the first chunk is written
    result = run_batch(batch.id, redis_client, chunk=100, parallel=parallel)
    assert result == {"status": "cancelled"}
    session.expire_all()
    assert session.get(ImportBatch, batch.id).status == "cancelled"
    assert session.scalar(select(func.count()).select_from(Lead)) == 0
    assert session.scalar(select(func.count()).select_from(ImportReject)) == 0


@pytest.mark.parametrize("parallel", [False, True])
def test_nobody_sees_half_a_batch(app, session, redis_client, campaign_list, tmp_path, monkeypatch, parallel):
    """While the import runs, another connection (the hopper refill) sees none of its leads."""
    from campaigns.lists import service
    from campaigns.lists.importer import run_batch
    from campaigns.lists.writers import BulkWriter
    from core.db import db

    campaign, call_list = campaign_list
    path = write_csv(tmp_path / "big.csv", [["手机号码"]] + [[f"138{n:08d}"] for n in range(1000)])
    batch = service.create_batch(session, path=str(path), filename="big.csv", campaign_id=campaign.id,
                                 list_id=call_list.id)
    service.confirm(session, batch, batch.mapping, None, None)
    session.commit()
    seen_during = []
    original = BulkWriter.write

    def spying_write(self, payload):
        original(self, payload)
        with db.engine.connect() as other:
            seen_during.append(other.scalar(select(func.count()).select_from(Lead)))

    monkeypatch.setattr(BulkWriter, "write", spying_write)
    result = run_batch(batch.id, redis_client, chunk=100, parallel=parallel)
    assert result["status"] == "done" and result["accepted"] == 1000
    assert len(seen_during) == 10 and set(seen_during) == {0}
    assert session.scalar(select(func.count()).select_from(Lead)) == 1000


def test_progress_is_published_in_redis(app, session, redis_client, campaign_list, tmp_path):
    from campaigns.lists import progress, service
    from campaigns.lists.importer import run_batch

    campaign, call_list = campaign_list
    path = write_csv(tmp_path / "p.csv", [["手机号码"]] + [[f"139{n:08d}"] for n in range(250)])
    batch = service.create_batch(session, path=str(path), filename="p.csv", campaign_id=campaign.id,
                                 list_id=call_list.id)
    service.confirm(session, batch, batch.mapping, None, None)
    session.commit()
    run_batch(batch.id, redis_client, chunk=100)
    live = progress.read(redis_client, batch.id)
    assert live["state"] == "done" and live["rows_done"] == 250 and live["accepted"] == 250


def test_wrong_encoding_deep_in_the_file_fails_cleanly(app, session, redis_client, campaign_list, tmp_path):
    from campaigns.lists import service
    from campaigns.lists.importer import run_batch

    campaign, call_list = campaign_list
    path = tmp_path / "mixed.csv"
    head = "手机号码,备注\r\n" + "".join(f"138{n:08d},ok\r\n" for n in range(20000))  # past the sniffed sample
    path.write_bytes(head.encode("utf-8") + "13700137000,坏\r\n".encode("gbk"))
    batch = service.create_batch(session, path=str(path), filename="mixed.csv", campaign_id=campaign.id,
                                 list_id=call_list.id)
    assert batch.encoding == "utf-8"  # the sample read at upload was clean
    service.confirm(session, batch, batch.mapping, None, None)
    session.commit()
    result = run_batch(batch.id, redis_client, chunk=1000)
    assert result["status"] == "failed" and "utf-8" in result["error"]
    assert session.scalar(select(func.count()).select_from(Lead)) == 0


BAD_FILES = {
    "empty.csv": b"",
    "header.csv": "姓名,手机号码\r\n".encode(),
    "junk.csv": bytes(range(256)) * 40,
    "secret.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048,
    "cut.xlsx": b"PK\x03\x04" + b"\x00" * 100,
    "wide.csv": (",".join(["手机号码"] + [f"c{i}" for i in range(999)]) + "\r\n1,2\r\n").encode(),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_refused_at_upload(app, session, as_role, campaign_list, tmp_path, name):
    campaign, call_list = campaign_list
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    r = upload(as_role("technician"), path, campaign, call_list)
    assert r.status_code == 422
    assert r.json["errors"]["file"][0]
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_wrong_encoding_chosen_at_upload(app, as_role, campaign_list, samples):
    campaign, call_list = campaign_list
    r = upload(as_role("technician"), samples / "cn_client_export_gbk.csv", campaign, call_list, encoding="utf-8")
    assert r.status_code == 422 and "utf-8" in r.json["errors"]["file"][0]


def test_roles(app, as_role, campaign_list, samples):
    campaign, call_list = campaign_list
    assert upload(as_role("agent"), samples / "cn_small_utf8.csv", campaign, call_list).status_code == 403
    assert as_role("qa").get(f"{API}/batches").status_code == 403
    assert as_role("manager").get(f"{API}/batches").status_code == 200


def test_template_crud(as_role):
    tech = as_role("technician")
    mapping = {"phone": ["手机号码"], "name": ["姓名"], "fields": {"city": "城市"}}
    r = tech.post(f"{API}/templates", json={"name": "客户A", "mapping": mapping})
    assert r.status_code == 201 and r.json["mapping"] == mapping
    tid = r.json["id"]
    assert tech.post(f"{API}/templates", json={"name": "客户A", "mapping": mapping}).status_code == 409
    assert tech.post(f"{API}/templates", json={"name": "x", "mapping": {"phone": []}}).status_code == 422
    r = tech.put(f"{API}/templates/{tid}", json={"name": "客户B", "mapping": {**mapping, "fields": {}}})
    assert r.status_code == 200 and r.json["name"] == "客户B"
    assert tech.get(f"{API}/templates/{tid}").json["mapping"]["fields"] == {}
    assert tech.delete(f"{API}/templates/{tid}").status_code == 204
    assert tech.get(f"{API}/templates/{tid}").status_code == 404


def test_import_page_renders(as_role, campaign_list):
    r = as_role("technician").get("/lists/import")
    assert r.status_code == 200 and "L1" in r.text
    assert "跳过本文件中重复的号码" in r.text  # Chinese is the default language
    assert as_role("agent").get("/lists/import").status_code == 403


def test_a_dead_worker_fails_the_batch(app, session, as_role, campaign_list, tmp_path):
    """The worker died mid-import (its transaction rolled back): polling reports it failed."""
    from rq.job import Job

    from core.redis_conn import app_redis

    campaign, call_list = campaign_list
    path = write_csv(tmp_path / "d.csv", [["手机号码"], ["13800138000"]])
    tech = as_role("technician")
    batch = upload(tech, path, campaign, call_list).json
    tech.post(f"{API}/batches/{batch['id']}/confirm", json={"mapping": batch["mapping"]})
    row = session.get(ImportBatch, batch["id"])
    session.refresh(row)
    row.status = "running"  # as the job left it when the worker was killed
    session.commit()
    Job.fetch(row.job_id, connection=app_redis(decode=False)).delete()
    status = tech.get(f"{API}/batches/{batch['id']}").json
    assert status["status"] == "failed" and "nothing" in status["error"]
    assert leads_of(session, batch["id"]) == []


def test_call_lists_of_a_campaign(as_role, campaign_list):
    campaign, call_list = campaign_list
    tech = as_role("technician")
    r = tech.post(f"{API}/lists", json={"campaign_id": campaign.id, "name": "六月"})
    assert r.status_code == 201 and r.json["name"] == "六月" and r.json["lead_count"] == 0
    r = tech.get(f"{API}/lists?campaign_id={campaign.id}")
    assert r.status_code == 200
    assert [(x["name"], x["lead_count"]) for x in r.json] == [("first", 0), ("六月", 0)]
    assert tech.post(f"{API}/lists", json={"campaign_id": 999999, "name": "x"}).status_code == 404


def test_an_upload_over_the_size_limit_is_refused_clearly_and_stores_nothing(app, session, as_role, monkeypatch,
                                                                          campaign_list, tmp_path):
    campaign, call_list = campaign_list
    big = tmp_path / "big.csv"
    big.write_text("phone\n" + "13800138000\n" * 140_000)          # ~1.7 MB
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    before = session.scalar(select(func.count()).select_from(ImportBatch))
    r = upload(as_role("technician"), big, campaign, call_list)
    assert r.status_code == 413
    assert "1 MB" in r.json["errors"]["_schema"][0] and "MAX_UPLOAD_MB" in r.json["errors"]["_schema"][0]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == before


def test_unconfirmed_uploads_and_interrupted_ones_expire(app, session, as_role, campaign_list, samples):
    import os
    import time
    from datetime import timedelta

    from campaigns.lists.jobs import expire_unconfirmed_uploads
    from core.clock import utcnow

    campaign, call_list = campaign_list
    tech = as_role("technician")
    old = upload(tech, samples / UTF8_SAMPLE, campaign, call_list).json
    fresh = upload(tech, samples / UTF8_SAMPLE, campaign, call_list).json
    old_batch = session.get(ImportBatch, old["id"])
    old_path = old_batch.stored_path
    old_batch.created_at = utcnow() - timedelta(hours=49)
    session.commit()
    imports = os.path.join(app.instance_path, "imports")
    stale_orphan, new_orphan = os.path.join(imports, "interrupted-old"), os.path.join(imports, "interrupted-new")
    for folder in (stale_orphan, new_orphan):
        os.makedirs(folder, exist_ok=True)
    os.utime(stale_orphan, (time.time() - 50 * 3600,) * 2)

    result = expire_unconfirmed_uploads(48)

    assert result == {"expired_batches": 1, "orphan_folders": 1}
    session.expire_all()
    assert session.get(ImportBatch, old["id"]).status == "cancelled" and not os.path.exists(old_path)
    kept = session.get(ImportBatch, fresh["id"])
    assert kept.status == "pending" and os.path.exists(kept.stored_path)
    assert not os.path.exists(stale_orphan) and os.path.exists(new_orphan)
    assert session.scalar(select(func.count()).select_from(AuditLog)
                          .where(AuditLog.action == "lists.upload_expired")) == 1
    r = tech.post(f"{API}/batches/{old['id']}/confirm", json={"mapping": old["mapping"], "options": {}})
    assert r.status_code in (404, 409) and r.json["errors"]

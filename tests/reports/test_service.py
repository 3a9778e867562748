"""Stored reports: files written, a rerun replaces the day, the API and pages,
mail to the campaign's recipients over a real SMTP conversation."""
from __future__ import annotations

import csv
import io
import socketserver
import threading
from email import message_from_bytes, policy

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from reports.jobs import compile_daily_report
from reports.models import Report


def test_build_writes_files_and_rerun_replaces(session, instance, day_of_calls):
    first = compile_daily_report("2026-11-20")
    again = compile_daily_report("2026-11-20")
    assert first == again and session.scalar(select(func.count()).select_from(Report)) == 1
    session.expire_all()
    report = session.get(Report, first)
    assert report.scope == "all" and report.data["totals"]["dials"] == 7
    assert set(report.files) == {"xlsx", "csv", "html"}
    book = load_workbook(report.files["xlsx"])
    assert book.sheetnames == ["汇总", "按项目", "按座席", "按主显号码", "按小时"]
    sheet = book["按项目"]
    assert sheet["A2"].value == "项目" and sheet["B2"].value == "外呼量" and sheet["B2"].font.bold
    assert sheet["A3"].value == "A" and sheet["B3"].value == 6 and sheet["E3"].number_format == "0.0%"
    rows = list(csv.reader(io.StringIO(open(report.files["csv"], encoding="utf-8-sig").read())))
    assert rows[0][:3] == ["维度", "键", "外呼量"] and ["汇总", "合计", "7"] == rows[1][:3]
    html = open(report.files["html"], encoding="utf-8").read()
    assert "<svg" in html and "外呼" in html
    scoped = compile_daily_report("2026-11-20", day_of_calls["b"].id, mail=False)
    assert session.get(Report, scoped).scope == str(day_of_calls["b"].id)


def test_api_enqueue_view_and_download(as_role, session, instance, day_of_calls, redis_client):
    manager = as_role("manager")
    r = manager.post("/api/v1/reports/daily", json={"day": "2026-11-20"})
    assert r.status_code == 202 and r.json["status"] == "queued"
    from core.redis_conn import app_queue

    assert app_queue("reports").count == 1
    assert manager.post("/api/v1/reports/daily", json={"day": "yesterday"}).status_code == 422
    report_id = compile_daily_report("2026-11-20")
    listed = manager.get("/api/v1/reports?day=2026-11-20").json
    assert [r["id"] for r in listed] == [report_id] and listed[0]["formats"] == ["csv", "html", "xlsx"]
    assert "data" not in listed[0]  # the listing leaves the figures out
    assert manager.get(f"/api/v1/reports/{report_id}").json["data"]["totals"]["sales"] == 1
    xlsx = manager.get(f"/api/v1/reports/{report_id}/files/xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert manager.get(f"/api/v1/reports/{report_id}/files/pdf").status_code == 404
    page = manager.get(f"/reports/{report_id}")
    assert page.status_code == 200 and "<svg" in page.text
    assert manager.get("/reports/").status_code == 200
    assert as_role("agent").get(f"/api/v1/reports/{report_id}").status_code == 403


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive one message."""

    def handle(self):
        self.wfile.write(b"220 test\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == b"MAIL":
                self.server.envelope = {"rcpt": []}
                self.wfile.write(b"250 ok\r\n")
            elif verb == b"RCPT":
                self.server.envelope["rcpt"].append(line.split(b"<")[1].split(b">")[0].decode())
                self.wfile.write(b"250 ok\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go\r\n")
                body = []
                for data in iter(self.rfile.readline, b".\r\n"):
                    body.append(data[1:] if data.startswith(b"..") else data)
                self.server.messages.append((self.server.envelope, b"".join(body)))
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server(monkeypatch):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(server.server_address[1]))
    monkeypatch.setenv("SMTP_FROM", "reports@dialer.test")
    yield server
    server.shutdown()
    server.server_close()


def test_campaign_report_is_mailed_to_recipients(session, instance, day_of_calls, smtp_server):
    report_id = compile_daily_report("2026-11-20", day_of_calls["a"].id)
    assert len(smtp_server.messages) == 1
    envelope, raw = smtp_server.messages[0]
    assert envelope["rcpt"] == ["client@example.com"]
    message = message_from_bytes(raw, policy=policy.default)
    assert "外呼日报 2026-11-20" in message["Subject"]
    names = [part.get_filename() for part in message.iter_attachments()]
    assert any(n.endswith(".xlsx") for n in names) and any(n.endswith(".csv") for n in names)
    session.expire_all()
    assert session.get(Report, report_id).mailed_at is not None
    compile_daily_report("2026-11-20", day_of_calls["b"].id)  # no recipients: nothing sent
    assert len(smtp_server.messages) == 1


def test_no_smtp_host_no_mail(session, instance, day_of_calls, monkeypatch):
    monkeypatch.delenv("SMTP_HOST", raising=False)
    report_id = compile_daily_report("2026-11-20", day_of_calls["a"].id)
    session.expire_all()
    assert session.get(Report, report_id).mailed_at is None

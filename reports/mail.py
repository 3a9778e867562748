"""Mail a stored report to its campaign's `report_recipients` over SMTP.

Configured from the environment like every job setting: SMTP_HOST (unset:
no mail), SMTP_PORT (25), SMTP_FROM, SMTP_USER / SMTP_PASSWORD (login when
set), SMTP_STARTTLS (true/false).
"""
from __future__ import annotations

import os
import smtplib
from email.message import EmailMessage
from pathlib import Path

ATTACH = {"xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
          "csv": ("text", "csv")}


def smtp_settings(environ=os.environ) -> dict | None:
    host = environ.get("SMTP_HOST")
    if not host:
        return None
    return {"host": host, "port": int(environ.get("SMTP_PORT") or 25),
            "sender": environ.get("SMTP_FROM") or "dialer@localhost",
            "user": environ.get("SMTP_USER"), "password": environ.get("SMTP_PASSWORD"),
            "starttls": (environ.get("SMTP_STARTTLS") or "").lower() in ("1", "true", "yes")}


def build_message(subject: str, sender: str, recipients: list[str], html: str, files: dict) -> EmailMessage:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, sender, ", ".join(recipients)
    message.set_content("外呼日报见附件 / The daily outbound report is attached.")
    message.add_alternative(html, subtype="html")
    for fmt, (maintype, subtype) in ATTACH.items():
        path = files.get(fmt)
        if path and Path(path).is_file():
            message.add_attachment(Path(path).read_bytes(), maintype=maintype, subtype=subtype,
                                   filename=Path(path).name)
    return message


def send(settings: dict, message: EmailMessage) -> None:
    with smtplib.SMTP(settings["host"], settings["port"], timeout=30) as smtp:
        if settings["starttls"]:
            smtp.starttls()
        if settings["user"]:
            smtp.login(settings["user"], settings["password"] or "")
        smtp.send_message(message)

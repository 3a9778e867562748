"""A tiny UDP SIP registrar that challenges REGISTER with digest auth (pjsua2 cannot act as one).

Run alone (``python -m telephony.sim.registrar --port 5080 --realm sim --user u --password p``)
or inside the carrier simulator (its ``--register-port``). Every REGISTER is logged.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import secrets
import socket
import threading

from telephony.sim.common import JsonLog
from telephony.sipmsg import parse, parse_name_addr


def md5(s: str) -> str:
    return hashlib.md5(s.encode()).hexdigest()


def parse_auth(value: str) -> dict[str, str]:
    _, _, rest = value.partition(" ")
    return {k.lower(): (v1 if v1 else v2) for k, v1, v2 in re.findall(r'(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]*))', rest)}


def digest_ok(auth: dict[str, str], method: str, password: str, realm: str, nonces: set[str]) -> bool:
    """RFC 2617 digest check (MD5, with or without qop=auth)."""
    if auth.get("realm") != realm or auth.get("nonce") not in nonces:
        return False
    ha1 = md5(f"{auth.get('username')}:{realm}:{password}")
    ha2 = md5(f"{method}:{auth.get('uri')}")
    if auth.get("qop"):
        expected = md5(f"{ha1}:{auth['nonce']}:{auth.get('nc')}:{auth.get('cnonce')}:{auth['qop']}:{ha2}")
    else:
        expected = md5(f"{ha1}:{auth['nonce']}:{ha2}")
    return secrets.compare_digest(expected, auth.get("response", ""))


class Registrar:
    def __init__(self, host: str, port: int, realm: str, user: str, password: str, log: JsonLog,
                 max_expires: int = 3600):
        self.realm, self.user, self.password, self.log = realm, user, password, log
        self.max_expires = max_expires
        self.nonces: set[str] = set()
        self.bindings: dict[str, str] = {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, port))
        self.sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="registrar", daemon=True)

    def start(self) -> "Registrar":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data, addr = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                reply = self.handle(data.decode("utf-8", "replace"))
            except Exception as exc:          # a broken datagram must not stop the registrar
                self.log.write(event="register_error", error=str(exc))
                continue
            if reply:
                self.sock.sendto(reply.encode(), addr)

    def handle(self, text: str) -> str | None:
        msg = parse(text)
        if not msg.is_request or msg.method == "ACK":
            return None
        if msg.method != "REGISTER":
            return self._response(msg, 405, "Method Not Allowed")
        to = parse_name_addr(msg.header("to"))
        user = to.user if to else None
        expires = msg.header("expires")
        contact = msg.header("contact") or ""
        m = re.search(r";\s*expires=(\d+)", contact)
        exp = int(m.group(1)) if m else int(expires) if expires and expires.isdigit() else 3600
        exp = min(exp, self.max_expires)
        auth_value = msg.header("authorization")
        if auth_value:
            auth = parse_auth(auth_value)
            if auth.get("username") == self.user and digest_ok(auth, "REGISTER", self.password, self.realm,
                                                               self.nonces):
                if exp == 0:
                    self.bindings.pop(user or "", None)
                else:
                    self.bindings[user or ""] = contact
                self.log.write(event="register", user=user, expires=exp, result="ok", contact=contact)
                extra = [f"Contact: {contact.split(';expires')[0]};expires={exp}"] if exp and contact else []
                extra.append(f"Expires: {exp}")
                return self._response(msg, 200, "OK", extra)
            self.log.write(event="register", user=user, expires=exp, result="bad_credentials")
            return self._response(msg, 403, "Forbidden")
        nonce = secrets.token_hex(12)
        self.nonces.add(nonce)
        self.log.write(event="register", user=user, expires=exp, result="challenged")
        return self._response(msg, 401, "Unauthorized",
                              [f'WWW-Authenticate: Digest realm="{self.realm}", nonce="{nonce}", '
                               f'algorithm=MD5, qop="auth"'])

    @staticmethod
    def _response(msg, code: int, reason: str, extra: list[str] | None = None) -> str:
        lines = [f"SIP/2.0 {code} {reason}"]
        lines += [f"Via: {v}" for v in msg.headers.get("via", [])]
        to = msg.header("to") or ""
        if ";tag=" not in to:
            to += ";tag=" + secrets.token_hex(4)
        lines += [f"From: {msg.header('from') or ''}", f"To: {to}", f"Call-ID: {msg.header('call-id') or ''}",
                  f"CSeq: {msg.header('cseq') or ''}"]
        lines += extra or []
        lines += ["Server: telephony-sim-registrar", "Content-Length: 0", "", ""]
        return "\r\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=5080)
    ap.add_argument("--realm", default="sim")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--max-expires", type=int, default=3600)
    ap.add_argument("--log")
    args = ap.parse_args(argv)
    reg = Registrar(args.host, args.port, args.realm, args.user, args.password, JsonLog(args.log),
                    args.max_expires).start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        reg.stop()


if __name__ == "__main__":
    main()

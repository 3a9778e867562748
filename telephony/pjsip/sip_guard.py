"""Keep malformed SDP from the network away from pjproject 2.10's SDP parser.

Some malformed SDP bodies abort or crash a pjsua2 2.10 process (an assertion
in ``pjmedia_sdp_parse``, an exception thrown outside any handler, a NULL
session used after a failed parse), which would drop every call on the pod.
``sipguard.c`` is a replacement for the ``recvfrom`` that ``_pjsua2`` imports:
for datagrams arriving on the pod's SIP port it checks any SDP body line by
line (RFC 4566) and, when the check fails, overwrites the message's media type
so that pjsip answers ``415`` instead of parsing it. It is C, not Python, because
pjsip reads sockets from its media worker thread too, where Python code would
run without the GIL (the wheel is built without SWIG thread support).

The filter is compiled on first use with the system C compiler (``scripts/setup.sh``
installs ``gcc``) and cached by source hash. Without a compiler the pod logs a
warning and runs unguarded.
"""
from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import subprocess
import tempfile
import threading
from pathlib import Path

from telephony.pjsip import got

log = logging.getLogger(__name__)

SOURCE = Path(__file__).with_name("sipguard.c")

_lock = threading.Lock()
_lib: ctypes.CDLL | None = None
_failed: str | None = None


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    d = Path(base) / "dialer"
    try:
        d.mkdir(parents=True, exist_ok=True)
        return d
    except OSError:
        return Path(tempfile.gettempdir())


def build() -> Path:
    """Compile sipguard.c (once per source version); the path of the shared object."""
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:16]
    out = _cache_dir() / f"sipguard-{digest}.so"
    if out.exists():
        return out
    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
    cc = os.environ.get("CC", "cc")
    proc = subprocess.run([cc, "-O2", "-shared", "-fPIC", "-o", str(tmp), str(SOURCE)],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"{cc} failed: {proc.stderr.strip()[-500:]}")
    os.replace(tmp, out)
    return out


def load() -> ctypes.CDLL:
    global _lib
    if _lib is None:
        lib = ctypes.CDLL(str(build()))
        lib.sipguard_init.argtypes = (ctypes.c_void_p,)
        lib.sipguard_add_port.argtypes = (ctypes.c_int,)
        lib.sipguard_remove_port.argtypes = (ctypes.c_int,)
        lib.sipguard_neutralised.restype = ctypes.c_long
        lib.sipguard_inspect.argtypes = (ctypes.c_char_p, ctypes.c_size_t)
        _lib = lib
    return _lib


def inspect(datagram: bytes) -> tuple[bool, bytes]:
    """Run the filter on one datagram (for tests): (neutralised?, the datagram as pjsip would see it)."""
    lib = load()
    buf = ctypes.create_string_buffer(datagram, len(datagram))
    hit = lib.sipguard_inspect(buf, len(datagram))
    return bool(hit), buf.raw


def install(sip_port: int) -> bool:
    """Guard ``sip_port`` in this process. Idempotent; False (logged) when it cannot apply."""
    global _failed
    if os.environ.get("DIALER_SIP_GUARD", "on").lower() in ("off", "0", "false", "no"):
        log.warning("SIP guard switched off (DIALER_SIP_GUARD): malformed SDP can abort this pod")
        return False
    with _lock:
        if _failed is not None:
            return False
        try:
            lib = load()
            if not getattr(lib, "_patched", False):
                import pjsua2
                libc = ctypes.CDLL(None)
                lib.sipguard_init(ctypes.cast(libc.recvfrom, ctypes.c_void_p))
                got.patch(pjsua2._pjsua2.__file__, "recvfrom",
                          ctypes.cast(lib.sipguard_recvfrom, ctypes.c_void_p).value)
                lib._patched = True
        except Exception as exc:      # a missing compiler must not stop a pod
            _failed = str(exc)
            log.warning("SIP guard not installed, malformed SDP could abort this pod: %s", exc)
            return False
        if lib.sipguard_add_port(int(sip_port)) != 0:
            log.warning("SIP guard: more than 64 SIP ports in one process; port %s is not guarded", sip_port)
            return False
    return True


def uninstall(sip_port: int) -> None:
    """Stop guarding ``sip_port`` (its transport is closed); the recvfrom replacement stays."""
    with _lock:
        if _lib is not None:
            _lib.sipguard_remove_port(int(sip_port))


def neutralised() -> int:
    """How many messages the filter has neutralised in this process."""
    return int(_lib.sipguard_neutralised()) if _lib is not None else 0

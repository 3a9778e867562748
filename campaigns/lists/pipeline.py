"""Running the import's producer (read + normalise + hygiene + encode) in a
forked child while the parent writes to the database: two cores instead of
one.  Fork, not spawn: the child inherits the dedup sets and DNC numbers the
parent loaded inside its transaction, and touches no connection of its own
(it ends with os._exit, so no finaliser closes the parent's sockets).

Both forms yield `(payload, tally)` pairs and expose `close()`.  The pipe's
kernel buffer gives back-pressure, so memory stays bounded.
"""
from __future__ import annotations

import gc
import marshal
import multiprocessing
import os
from typing import Callable, Iterator


class ProducerFailed(Exception):
    def __init__(self, kind: str, text: str, row: int):
        super().__init__(text)
        self.kind, self.text, self.row = kind, text, row


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def inline(produce: Callable[[], Iterator]) -> Iterator:
    """The producer in this process (small files, or no fork)."""

    def run():
        last = {"rows": 0}
        try:
            for payload, tally in produce():
                last = tally
                yield payload, tally
        except UnicodeDecodeError as exc:
            raise ProducerFailed("decode", str(exc), last["rows"] + 1) from None

    return run()


def forked(produce: Callable[[], Iterator]) -> Iterator:
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(produce, send), daemon=True)
    # Objects frozen before the fork are never visited by the child's garbage
    # collector, so their pages (phonenumbers' tables, ~100 MB) stay shared
    # instead of being copied page by page.
    # A web or worker process froze its start-up objects already
    # (core.app._freeze_startup_objects): they stay frozen.
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        proc.start()
    finally:
        if not frozen_before:
            gc.unfreeze()
    send.close()

    def run():
        try:
            while True:
                try:
                    message = marshal.loads(recv.recv_bytes())
                except EOFError:
                    raise ProducerFailed("other", "the import's reader process died", 0) from None
                if message[0] == "data":
                    yield message[1], message[2]
                elif message[0] == "end":
                    return
                else:
                    raise ProducerFailed(message[1], message[2], message[3])
        finally:
            recv.close()
            if proc.is_alive():
                proc.terminate()
            proc.join(5)

    return run()


def _child(produce, send) -> None:
    rows = 0
    try:
        for payload, tally in produce():
            rows = tally["rows"]
            send.send_bytes(marshal.dumps(("data", payload, tally)))
        send.send_bytes(marshal.dumps(("end",)))
    except UnicodeDecodeError as exc:
        send.send_bytes(marshal.dumps(("error", "decode", str(exc), rows + 1)))
    except (BrokenPipeError, OSError):
        pass  # the parent stopped reading (cancelled): nothing to report to
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the batch
        send.send_bytes(marshal.dumps(("error", "other", f"{exc.__class__.__name__}: {exc}", rows)))
    finally:
        send.close()
        os._exit(0)

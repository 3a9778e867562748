"""The hopper: a campaign's queue of leads ready to dial, in Redis, shared by pods.

Layout per campaign `c`:
  hopper:c:queue   ZSET lead id -> rank (lower dials first; due callbacks rank first)
  hopper:c:phone   HASH lead id -> E.164 number (for DNC purges)
  hopper:c:leased  ZSET lead id -> lease expiry (epoch seconds)
  hopper:c:owner   HASH lead id -> pod id
  hoppers          SET of campaign ids that have a hopper

Taking is one Lua script, so a lead is never handed to two pods at once; a
lead whose pod died comes back to the queue when its lease expires.  A lead
leaves the hopper for good when its pod releases it after writing the
attempt to the database, or when its number is put on a DNC list.
"""
from __future__ import annotations

from dataclasses import dataclass

import redis

HOPPERS = "hoppers"

# KEYS: queue, phone, leased, owner; ARGV: now, lease_seconds, n, pod
_TAKE = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
  if redis.call('HEXISTS', KEYS[2], id) == 1 then
    redis.call('ZADD', KEYS[1], 0, id)
  end
end
local out = {}
local popped = redis.call('ZPOPMIN', KEYS[1], tonumber(ARGV[3]))
for i = 1, #popped, 2 do
  local id = popped[i]
  local phone = redis.call('HGET', KEYS[2], id)
  if phone then
    redis.call('ZADD', KEYS[3], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
    redis.call('HSET', KEYS[4], id, ARGV[4])
    table.insert(out, id)
    table.insert(out, phone)
  end
end
return out
"""

# KEYS: queue, phone, leased; ARGV: triples id, phone, rank
_PUSH = """
local added = 0
for i = 1, #ARGV, 3 do
  local id = ARGV[i]
  if redis.call('ZSCORE', KEYS[3], id) == false then
    added = added + redis.call('ZADD', KEYS[1], 'NX', tonumber(ARGV[i + 2]), id)
    redis.call('HSET', KEYS[2], id, ARGV[i + 1])
  end
end
return added
"""

# KEYS: queue, phone; ARGV: phone
_PURGE = """
local removed = 0
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all, 2 do
  if all[i + 1] == ARGV[1] then
    redis.call('HDEL', KEYS[2], all[i])
    removed = removed + redis.call('ZREM', KEYS[1], all[i])
  end
end
return removed
"""


@dataclass(frozen=True)
class HopperLead:
    lead_id: int
    phone_e164: str


class Hopper:
    def __init__(self, client: redis.Redis, campaign_id: int):
        self.client = client
        self.campaign_id = campaign_id
        prefix = f"hopper:{campaign_id}"
        self.queue_key = f"{prefix}:queue"
        self.phone_key = f"{prefix}:phone"
        self.leased_key = f"{prefix}:leased"
        self.owner_key = f"{prefix}:owner"
        self._take = client.register_script(_TAKE)
        self._push = client.register_script(_PUSH)

    def push(self, leads: list[tuple[int, str, float]]) -> int:
        """Queue (lead id, number, rank) triples; leads already queued or leased are skipped."""
        if not leads:
            return 0
        args: list = []
        for lead_id, phone, rank in leads:
            args.extend([str(lead_id), phone, rank])
        self.client.sadd(HOPPERS, self.campaign_id)
        return int(self._push(keys=[self.queue_key, self.phone_key, self.leased_key], args=args))

    def take(self, pod_id: str, n: int, now: float, lease_seconds: float = 120.0) -> list[HopperLead]:
        """Atomically lease up to `n` leads to `pod_id`."""
        if n <= 0:
            return []
        flat = self._take(
            keys=[self.queue_key, self.phone_key, self.leased_key, self.owner_key],
            args=[now, lease_seconds, n, pod_id],
        )
        return [HopperLead(int(flat[i]), _text(flat[i + 1])) for i in range(0, len(flat), 2)]

    def renew(self, lead_ids: list[int], now: float, lease_seconds: float = 120.0) -> None:
        """Extend the leases of calls still up (the pod does it every few seconds)."""
        if lead_ids:
            self.client.zadd(self.leased_key, {str(i): now + lease_seconds for i in lead_ids}, xx=True)

    def release(self, lead_id: int) -> None:
        """The attempt is written: the lead leaves the hopper."""
        pipe = self.client.pipeline()
        pipe.zrem(self.leased_key, str(lead_id))
        pipe.hdel(self.owner_key, str(lead_id))
        pipe.hdel(self.phone_key, str(lead_id))
        pipe.zrem(self.queue_key, str(lead_id))
        pipe.execute()

    def size(self) -> int:
        return int(self.client.zcard(self.queue_key))

    def leased(self) -> dict[int, str]:
        return {int(k): _text(v) for k, v in self.client.hgetall(self.owner_key).items()}

    def contains(self, lead_id: int) -> bool:
        return self.client.zscore(self.queue_key, str(lead_id)) is not None

    def clear(self) -> None:
        self.client.delete(self.queue_key, self.phone_key, self.leased_key, self.owner_key)


def purge_number(client: redis.Redis, phone_e164: str, campaign_id: int | None = None) -> int:
    """Remove every queued lead with this number from one campaign's hopper or
    from all of them; returns how many were removed.  Leads already leased
    (their call is being placed) are not re-queued when their lease ends."""
    campaigns = [campaign_id] if campaign_id is not None else [_text(c) for c in client.smembers(HOPPERS)]
    purge = client.register_script(_PURGE)
    removed = 0
    for cid in campaigns:
        removed += int(purge(keys=[f"hopper:{cid}:queue", f"hopper:{cid}:phone"], args=[phone_e164]))
    return removed


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value

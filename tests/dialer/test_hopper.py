"""The hopper on a real Redis: atomic takes, leases, purges."""
import threading

from dialer.hopper import Hopper, purge_number


def test_take_is_ordered_by_rank_and_leases(redis_client):
    hopper = Hopper(redis_client, 1)
    assert hopper.push([(10, "+8613800000010", 5), (11, "+8613800000011", 1), (12, "+8613800000012", 3)]) == 3
    taken = hopper.take("pod-a", 2, now=1000.0)
    assert [t.lead_id for t in taken] == [11, 12]
    assert hopper.size() == 1
    assert hopper.leased() == {11: "pod-a", 12: "pod-a"}


def test_leased_lead_is_not_pushed_again(redis_client):
    hopper = Hopper(redis_client, 1)
    hopper.push([(10, "+8613800000010", 0)])
    hopper.take("pod-a", 1, now=1000.0)
    assert hopper.push([(10, "+8613800000010", 0)]) == 0
    assert hopper.take("pod-b", 5, now=1001.0) == []


def test_expired_lease_returns_the_lead(redis_client):
    hopper = Hopper(redis_client, 1)
    hopper.push([(10, "+8613800000010", 0)])
    hopper.take("pod-dead", 1, now=1000.0, lease_seconds=30)
    assert hopper.take("pod-b", 1, now=1020.0) == []  # lease still running
    again = hopper.take("pod-b", 1, now=1031.0)
    assert [t.lead_id for t in again] == [10]
    assert hopper.leased() == {10: "pod-b"}


def test_release_removes_for_good(redis_client):
    hopper = Hopper(redis_client, 1)
    hopper.push([(10, "+8613800000010", 0)])
    hopper.take("pod-a", 1, now=1000.0, lease_seconds=30)
    hopper.release(10)
    assert hopper.take("pod-b", 1, now=5000.0) == []
    assert hopper.leased() == {}


def test_no_lead_is_taken_twice_by_concurrent_pods(redis_client):
    hopper = Hopper(redis_client, 7)
    hopper.push([(i, f"+86138{i:08d}", i) for i in range(500)])
    results: dict[str, list[int]] = {}

    def pod(name):
        mine = []
        h = Hopper(redis_client, 7)
        while True:
            batch = h.take(name, 3, now=1000.0)
            if not batch:
                break
            mine.extend(t.lead_id for t in batch)
        results[name] = mine

    threads = [threading.Thread(target=pod, args=(f"pod-{k}",)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for ids in results.values() for i in ids]
    assert sorted(everything) == list(range(500))


def test_purge_number_across_campaigns(redis_client):
    a, b = Hopper(redis_client, 1), Hopper(redis_client, 2)
    a.push([(1, "+8613811112222", 0), (2, "+8613833334444", 0)])
    b.push([(3, "+8613811112222", 0)])
    assert purge_number(redis_client, "+8613811112222") == 2
    assert [t.lead_id for t in a.take("p", 10, now=1.0)] == [2]
    assert b.take("p", 10, now=1.0) == []


def test_purged_leased_lead_does_not_come_back(redis_client):
    hopper = Hopper(redis_client, 1)
    hopper.push([(1, "+8613811112222", 0)])
    hopper.take("pod-dead", 1, now=1000.0, lease_seconds=10)
    purge_number(redis_client, "+8613811112222", campaign_id=1)
    assert hopper.take("pod-b", 1, now=2000.0) == []

"""A real job on a real Redis, run by a burst worker."""
from rq import Worker

from core.jobs import lead_status_counts
from core.redis_conn import app_queue, app_redis, get_redis


def test_lead_counts_job_runs_on_a_burst_worker(app, session):
    from core.seed import seed

    list(seed(session, "admin-pass-1", leads=25))
    from campaigns.models import Campaign

    campaign = session.query(Campaign).one()
    queue = app_queue("default")
    job = queue.enqueue(lead_status_counts, campaign.id)
    worker = Worker([queue], connection=get_redis(app.config["REDIS_URL"], decode=False))
    assert worker.work(burst=True)
    job.refresh()
    assert job.is_finished, job.exc_info
    assert job.return_value() == {"new": 25, "total": 25}
    assert '"total": 25' in app_redis().get(f"campaign:{campaign.id}:lead_counts")

"""Manager pages render for readers, show refusals, and hide changes from read-only roles."""

from campaigns.models import CampaignState
from tests.campaigns.factories import make_campaign


def test_pages_render(as_role, session, users):
    campaign = make_campaign(session, state=CampaignState.APPROVED)
    manager = as_role("manager")
    for path in [
        "/campaigns/",
        "/campaigns/new",
        f"/campaigns/{campaign.id}",
        f"/campaigns/{campaign.id}/edit",
        f"/campaigns/{campaign.id}/rules",
        f"/campaigns/{campaign.id}/dispositions",
        f"/campaigns/{campaign.id}/trial",
        f"/campaigns/{campaign.id}/log",
        f"/campaigns/{campaign.id}/settlement",
        "/campaigns/caller-ids",
        "/campaigns/trunks",
    ]:
        r = manager.get(path)
        assert r.status_code == 200, (path, r.status_code)
    detail = manager.get(f"/campaigns/{campaign.id}").text
    # launch refused without sign-off: the button is disabled and the reason shown
    assert "/actions/launch" in detail and "disabled" in detail
    assert "正式作业需要试呼确认" in detail  # the refusal, in the default language (Chinese)
    assert manager.get("/campaigns/999999").status_code == 404


def test_read_only_roles(as_role, session):
    campaign = make_campaign(session)
    qa = as_role("qa")
    assert qa.get(f"/campaigns/{campaign.id}").status_code == 200
    assert qa.get("/campaigns/new").status_code == 403
    assert '/api/v1/caller-id-pools" data-method="POST"' not in qa.get("/campaigns/caller-ids").text
    assert as_role("agent").get("/campaigns/").status_code == 403

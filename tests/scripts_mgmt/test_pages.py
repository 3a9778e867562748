"""The scripts pages render for the roles that may see them."""

from scripts_mgmt import scorecards, service


def test_pages_render(as_role, users, session, make_campaign, survey):
    campaign = make_campaign()
    script = service.create_script(session, users["manager"], "话术<一>", campaign.id)
    service.update_draft(
        session,
        script.versions[0],
        users["manager"],
        content="您好 <script>x</script>",
        questionnaire=survey,
        objections=[{"objection": "贵", "answer": "不贵", "tags": []}],
    )
    service.approve_version(
        session, script.versions[0], users["manager"], "客户", acknowledge_unknown_variables=True
    )
    v2 = service.create_draft(session, script, users["manager"])
    service.update_draft(session, v2, users["manager"], content="您好，新版")
    card = scorecards.create_scorecard(session, users["manager"], "FQA", campaign.id)
    session.commit()
    manager = as_role("manager")
    page = manager.get("/scripts/")
    assert page.status_code == 200 and "话术&lt;一&gt;" in page.text
    page = manager.get(f"/scripts/versions/{script.versions[0].id}")
    assert (
        page.status_code == 200
        and "&lt;script&gt;x&lt;/script&gt;" in page.text
        and "<script>x" not in page.text
    )
    assert 'id="pin-form"' in page.text  # approved: can be pinned
    page = manager.get(f"/scripts/versions/{v2.id}")
    assert 'id="approve-form"' in page.text and 'id="save"' in page.text
    page = manager.get(f"/scripts/{script.id}/diff?from={script.versions[0].id}&to={v2.id}")
    assert page.status_code == 200 and "新版" in page.text and "&lt;script&gt;" in page.text
    assert manager.get("/scripts/scorecards/").status_code == 200
    assert manager.get(f"/scripts/scorecards/versions/{card.versions[0].id}").status_code == 200
    qa = as_role("qa")
    page = qa.get(f"/scripts/versions/{v2.id}")
    assert page.status_code == 200 and 'id="save"' not in page.text  # read only
    assert as_role("agent").get("/scripts/").status_code == 403

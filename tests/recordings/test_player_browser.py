"""The player in real Chromium: the archived FLAC plays and seeks (served with
HTTP Range), a comment's time seeks the player, and the QA panel scores."""
from __future__ import annotations

import pytest

from recordings.jobs import archive_recording
from tests.browser.conftest import live_server, login, new_page, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_play_seek_from_comment_and_score(new_page, live_server, as_role, scored_campaign, make_recording,  # noqa: F811
                                          archive_dir, users):
    rec = make_recording(scored_campaign, clip="agent_pitch_zh.wav", agent_id=users["agent"].id,
                         phone_e164="+8613912345678")
    assert archive_recording(rec.id) == "archived"
    qa = as_role("qa")
    review = qa.post(f"/api/v1/recordings/{rec.id}/review").json
    qa.post(f"/api/v1/recordings/reviews/{review['id']}/comments", json={"at_seconds": 7.5, "text": "要点"})

    page = new_page()
    login(page, live_server, "qa1")
    page.goto(f"{live_server}/recordings/{rec.id}")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    duration = page.evaluate("document.getElementById('player').duration")
    assert abs(duration - 14.869) < 0.05  # the browser decoded the FLAC's header
    seekable = page.evaluate("(() => { const p = document.getElementById('player');"
                             " return p.seekable.length ? p.seekable.end(0) : 0; })()")
    assert seekable > 14  # Range support: the whole file is seekable
    page.click("#comments a[data-at]")
    page.wait_for_function("Math.abs(document.getElementById('player').currentTime - 7.5) < 0.6")

    for key, value in (("greet", "true"), ("pitch", "0.5"), ("honest", "true")):
        page.select_option(f'tr[data-key="{key}"] select', value)
    page.click("#finish-review")
    page.wait_for_function("document.getElementById('review-total').textContent === '60.00'")
    assert not page.is_visible("#review-failed")  # not auto-failed
    assert page.is_disabled("#finish-review")
    shot(page, "recordings-player")
    assert qa.get(f"/api/v1/recordings/reviews/{review['id']}").json["status"] == "final"

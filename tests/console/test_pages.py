"""The console pages in Chinese (the default) and English, navigation per
role, and the core pages translated."""
from __future__ import annotations


def switch(auth, code):
    return auth.client.post(f"/lang/{code}", data={"csrf_token": auth.csrf, "next": "/"})


def test_agent_console_in_chinese_then_english(as_role, world):
    agent = as_role("agent")
    page = agent.get("/console/")
    assert page.status_code == 200
    assert "座席工作台" in page.text and "处理结果" in page.text and "就绪" in page.text
    assert 'id="console-labels"' in page.text and "static/console/agent.js" in page.text
    assert switch(agent, "en").status_code == 302
    page = agent.get("/console/")
    assert "Agent console" in page.text and "Disposition" in page.text and "座席工作台" not in page.text


def test_wallboard_page(as_role, world):
    sup = as_role("supervisor")
    page = sup.get("/console/wallboard")
    assert page.status_code == 200 and "监控大屏" in page.text and "放弃率" in page.text
    switch(sup, "en")
    assert "Abandon rate, 24 h" in sup.get("/console/wallboard").text
    assert as_role("agent").get("/console/wallboard").status_code == 403
    assert sup.get("/console/").status_code == 403


def test_navigation_per_role(as_role, world):
    agent_home = as_role("agent").get("/").text
    assert 'href="/console/"' in agent_home and 'href="/console/wallboard"' not in agent_home
    sup_home = as_role("supervisor").get("/").text
    assert 'href="/console/wallboard"' in sup_home and 'href="/console/"' not in sup_home
    admin_home = as_role("admin").get("/").text
    assert 'href="/console/"' in admin_home and 'href="/console/wallboard"' in admin_home


def test_core_pages_are_translated(client, as_role, world):
    login = client.get("/login").text
    assert "登录" in login and "用户名" in login
    home = as_role("manager").get("/").text
    assert "外呼项目" in home and "首页" in home and "正式作业" in home

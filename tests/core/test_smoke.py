def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json == {"status": "ok", "database": "ok", "redis": "ok"}


def test_login_and_me(as_role, users):
    manager = as_role("manager")
    r = manager.get("/api/v1/me")
    assert r.status_code == 200
    assert r.json["username"] == users["manager"].username
    assert r.json["role"] == "manager"

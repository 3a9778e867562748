
from sqlalchemy import select

from core.auth.passwords import hash_password, verify_password
from core.models import ApiToken, Role, User


def test_passwords_are_argon2id():
    h = hash_password("s3cret-pass")
    assert h.startswith("$argon2id$")
    assert verify_password(h, "s3cret-pass")
    assert not verify_password(h, "wrong")
    assert not verify_password("not-a-hash", "x")


def test_login_form_requires_csrf(client, users):
    r = client.post("/login", data={"username": users["admin"].username, "password": "correct-horse-9"})
    assert r.status_code == 400
    assert "/api/v1/me" and client.get("/api/v1/me").status_code == 401


def test_login_logout(auth, users):
    assert auth.login(users["manager"].username).status_code == 302
    assert auth.get("/api/v1/me").json["username"] == users["manager"].username
    auth.logout()
    assert auth.get("/api/v1/me").status_code == 401


def test_wrong_password_is_refused(auth, users):
    r = auth.login(users["manager"].username, "nope-nope")
    assert r.status_code == 401
    assert auth.get("/api/v1/me").status_code == 401


def test_login_attempts_are_rate_limited(auth, users, app):
    name = users["agent"].username
    limit = app.config["LOGIN_RATE_LIMIT"]
    for _ in range(limit):
        assert auth.login(name, "bad-password").status_code == 401
    # Even the right password is refused while blocked.
    r = auth.login(name)
    assert r.status_code == 429
    assert auth.get("/api/v1/me").status_code == 401


def test_api_tokens_are_stored_hashed_and_work(as_role, client, session):
    manager = as_role("manager")
    r = manager.post("/api/v1/tokens", json={"name": "report script"})
    assert r.status_code == 201
    clear = r.json["token"]
    row = session.scalar(select(ApiToken))
    assert clear not in (row.token_hash, row.prefix) and len(row.token_hash) == 64
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {clear}"})
    assert me.status_code == 200 and me.json["role"] == "manager"
    # Token calls need no CSRF header (no ambient credentials).
    listed = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {clear}"})
    assert [t["name"] for t in listed.json] == ["report script"]
    assert manager.delete(f"/api/v1/tokens/{row.id}").status_code == 204
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {clear}"}).status_code == 401


def test_bad_bearer_tokens_are_refused(client, users):
    for token in ["", "dlr_nope", "x" * 5000, "dlr_" + "\u00e9" * 10]:
        r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401


def test_session_api_calls_need_the_csrf_header(as_role):
    admin = as_role("admin")
    r = admin.client.post("/api/v1/tokens", json={"name": "x"})
    assert r.status_code == 400 and "csrf" in r.json["errors"]


def test_roles_are_enforced(as_role):
    assert as_role("agent").get("/api/v1/users").status_code == 403
    assert as_role("manager").get("/api/v1/users").status_code == 403
    assert as_role("admin").get("/api/v1/users").status_code == 200


def test_admin_creates_user_via_api(as_role, session):
    admin = as_role("admin")
    body = {"username": "agent9", "role": "agent", "password": "long-enough-1", "agent_pin": "9009"}
    r = admin.post("/api/v1/users", json=body)
    assert r.status_code == 201 and "password" not in r.json
    assert admin.post("/api/v1/users", json=body).status_code == 409
    assert admin.post("/api/v1/users", json={**body, "username": "x", "role": "boss"}).status_code == 422


def test_cli_creates_users(runner, session):
    result = runner.invoke(args=["create-user", "qa7", "--role", "qa", "--password", "pass-word-7"])
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.username == "qa7"))
    assert user.role is Role.QA and verify_password(user.password_hash, "pass-word-7")
    again = runner.invoke(args=["create-user", "qa7", "--role", "qa", "--password", "pass-word-7"])
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["create-user", "qa8", "--role", "qa", "--password", "short"])
    assert short.exit_code != 0 and "at least" in short.output


def test_language_switch(client, users, auth):
    auth.login(users["agent"].username)
    assert "退出" in client.get("/").text
    client.post("/lang/en", data={"csrf_token": auth.csrf, "next": "/"})
    page = client.get("/").text
    assert "Log out" in page and "退出" not in page

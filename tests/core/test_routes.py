"""Every route: authentication required (except login and health), role checks
declared, and garbage input never answered with a 500."""
from __future__ import annotations

import re

import pytest

PUBLIC = {"auth.login", "auth.logout", "core.health", "core.set_language", "static"}
GARBAGE_BODIES = [
    ("application/json", "{not json"),
    ("application/json", "[1, 2, 3]"),
    ("application/json", '"a string"'),
    ("application/json", "null"),
    ("application/json", '{"name": {"$ne": 1}, "id": [[[]]], "x": "' + "\u0000" * 10 + '"}'),
    ("application/json", '{"username": 12, "campaign_id": "DROP TABLE", "rows": -1, "at": "yesterday"}'),
    ("text/plain", "\xff\xfe garbage"),
    ("application/x-www-form-urlencoded", "a=1&b=%ZZ"),
]


def _concrete(rule) -> str:
    def value(m):
        converter = m.group(1) or "string"
        return "999999" if converter in ("int", "float") else "zz"

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", value, rule.rule)


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule


def test_every_route_needs_authentication(client, app):
    open_routes = []
    for rule in _routes(app):
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in PUBLIC:
            assert getattr(view, "public", False), f"{rule.endpoint} should be marked @public"
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(_concrete(rule), method=method)
            if response.status_code not in (302, 401):
                open_routes.append((method, rule.rule, response.status_code))
            if rule.rule.startswith("/api/"):
                assert response.status_code == 401, (method, rule.rule, response.status_code)
            elif response.status_code == 302:
                assert "/login" in response.headers["Location"], (method, rule.rule)
    assert open_routes == []


def test_every_view_declares_its_roles(app):
    for rule in _routes(app):
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in PUBLIC:
            continue
        assert hasattr(view, "required_roles"), f"{rule.endpoint} is not wrapped by roles_required"


@pytest.mark.parametrize("role", ["admin", "agent"])
def test_garbage_never_gives_500(app, as_role, role):
    user = as_role(role)
    failures = []
    for rule in _routes(app):
        if rule.endpoint in ("auth.logout",):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = _concrete(rule)
            if method == "GET":
                response = user.client.get(url + "?page=-1&limit=abc&q=%00&campaign_id=x&day=notaday")
                if response.status_code >= 500:
                    failures.append((method, url, response.status_code))
                continue
            for ctype, body in GARBAGE_BODIES:
                response = user.client.open(url, method=method, data=body.encode("utf-8", "surrogatepass"),
                                            headers={"Content-Type": ctype, "X-CSRFToken": user.csrf})
                if response.status_code >= 500:
                    failures.append((method, url, ctype, body[:20], response.status_code))
    assert failures == []


def test_api_errors_have_the_documented_shape(as_role):
    admin = as_role("admin")
    r = admin.post("/api/v1/users", json={"username": 5})
    assert r.status_code == 422
    assert set(r.json) == {"errors"}
    assert r.json["errors"]["username"] == ["Not a valid string."]
    r = admin.get("/api/v1/users/424242")
    assert r.status_code == 404 and "errors" in r.json


def test_openapi_lists_every_api_route(app, as_role):
    spec = as_role("admin").get("/api/v1/openapi.json").json
    documented = {(p, m.upper()) for p, ops in spec["paths"].items() for m in ops}
    for rule in _routes(app):
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {path} missing from OpenAPI"

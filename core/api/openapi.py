"""The OpenAPI document, generated from the endpoint declarations and schemas."""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from core.api.blueprint import endpoint_specs

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _path(rule: str) -> tuple[str, list[dict]]:
    params = []
    for converter, name in _PARAM.findall(rule):
        kind = "integer" if converter == "int" else "string"
        params.append({"name": name, "in": "path", "required": True, "schema": {"type": kind}})
    return _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule), params


def build_spec(version: str = "1.0.0") -> dict:
    spec = APISpec(
        title="Outbound dialer API",
        version=version,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Errors are {\"errors\": {field: [messages]}} with status 400, 401, 403, 404, 409 or 422."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    paths: dict[str, dict] = {}
    for ep in endpoint_specs():
        path, params = _path(ep.path)
        for method in ep.methods:
            op: dict = {
                "summary": ep.summary,
                "tags": [ep.tag],
                "parameters": list(params),
                "responses": {
                    str(ep.status): {"description": "success"},
                    "400": {"description": "malformed request"},
                    "401": {"description": "not authenticated"},
                    "403": {"description": "role not allowed"},
                    "422": {"description": "field errors"},
                },
                "security": [{"bearer": []}, {"session": []}],
            }
            if ep.roles:
                op["description"] = "Roles: " + ", ".join(r.value for r in ep.roles) + " (and admin)."
            if ep.query is not None:
                op["parameters"].append({"in": "query", "schema": ep.query})
            if ep.body is not None and method in ("POST", "PUT", "PATCH"):
                op["requestBody"] = {"required": True, "content": {"application/json": {"schema": ep.body}}}
            if ep.response is not None:
                op["responses"][str(ep.status)]["content"] = {"application/json": {"schema": ep.response}}
            paths.setdefault(path, {})[method.lower()] = op
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()

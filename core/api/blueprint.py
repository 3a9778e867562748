"""`ApiBlueprint.endpoint`: one declaration gives routing, the role check,
request parsing through a marshmallow schema, the response schema and the
OpenAPI entry."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Callable, Iterable

from flask import Blueprint, jsonify, request
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError as CsrfInvalid
from marshmallow import EXCLUDE, Schema

from core.api.errors import ApiError
from core.auth.access import roles_required, token_authenticated
from core.models import Role

API_PREFIX = "/api/v1"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class EndpointSpec:
    path: str
    methods: list[str]
    view: str
    roles: tuple
    summary: str
    tag: str
    body: Schema | None = None
    query: Schema | None = None
    response: Schema | None = None
    status: int = 200
    public: bool = False
    extra: dict = field(default_factory=dict)


_SPECS: list[EndpointSpec] = []


def endpoint_specs() -> list[EndpointSpec]:
    return list(_SPECS)


def _as_schema(schema) -> Schema | None:
    if schema is None or isinstance(schema, Schema):
        return schema
    return schema()


def _json_body() -> Any:
    if request.mimetype != "application/json":
        raise ApiError(400, "expected a JSON body (Content-Type: application/json)")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "the body is not valid JSON")
    return data


def _check_csrf() -> None:
    # Browser calls ride on the session cookie, so they must prove they come
    # from our pages; bearer-token calls carry no ambient credentials.
    if request.method in UNSAFE and not token_authenticated():
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except (CSRFError, CsrfInvalid) as exc:
            raise ApiError(400, f"CSRF check failed: {exc}", "csrf") from None


class ApiBlueprint(Blueprint):
    def __init__(self, name: str, import_name: str, tag: str | None = None, url_prefix: str = ""):
        super().__init__(name, import_name, url_prefix=API_PREFIX + url_prefix)
        self.tag = tag or name

    def endpoint(
        self,
        rule: str,
        methods: Iterable[str] = ("GET",),
        roles: Iterable[Role] = (),
        body=None,
        query=None,
        response=None,
        many: bool = False,
        status: int = 200,
        summary: str = "",
    ) -> Callable:
        """Declare a JSON endpoint.

        The view receives `body=` and/or `query=` (loaded dicts) when schemas
        are given, returns a model/dict (dumped with `response`), a tuple
        `(payload, status)`, or a ready Response.
        """
        methods = [m.upper() for m in methods]
        roles = tuple(roles)
        body_schema = _as_schema(body)
        query_schema = _as_schema(query)
        response_schema = _as_schema(response)

        def decorator(view: Callable) -> Callable:
            @wraps(view)
            def wrapper(*args, **kwargs):
                _check_csrf()
                if body_schema is not None and request.method in UNSAFE:
                    data = _json_body()
                    if not isinstance(data, (dict, list)):
                        raise ApiError(400, "the JSON body must be an object")
                    kwargs["body"] = body_schema.load(data)
                if query_schema is not None:
                    kwargs["query"] = query_schema.load(request.args.to_dict(), unknown=EXCLUDE)
                result = view(*args, **kwargs)
                code = status
                if isinstance(result, tuple):
                    result, code = result
                if hasattr(result, "status_code") and hasattr(result, "headers"):
                    return result
                if result is None and code == 204:
                    return "", 204
                if response_schema is not None:
                    result = response_schema.dump(result, many=many)
                return jsonify(result), code

            guarded = roles_required(*roles)(wrapper)
            self.add_url_rule(rule, view.__name__, guarded, methods=methods)
            _SPECS.append(
                EndpointSpec(
                    path=self.url_prefix + rule,
                    methods=methods,
                    view=f"{self.name}.{view.__name__}",
                    roles=roles,
                    summary=summary or (view.__doc__ or "").strip().split("\n")[0],
                    tag=self.tag,
                    body=body_schema,
                    query=query_schema,
                    response=response_schema,
                    status=status,
                )
            )
            return guarded

        return decorator

"""API errors: always `{"errors": {field: [messages]}}`, never an HTML page or a 500 for bad input."""
from __future__ import annotations

from flask import jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    def __init__(self, status: int, errors: dict | str, field: str = "_schema"):
        super().__init__(errors)
        self.status = status
        self.errors = errors if isinstance(errors, dict) else {field: [errors]}


def not_found(what: str = "resource") -> ApiError:
    return ApiError(404, f"{what} not found")


def conflict(message: str, field: str = "_schema") -> ApiError:
    return ApiError(409, message, field)


def _normalise(messages) -> dict:
    if isinstance(messages, dict):
        return {str(k): (v if isinstance(v, (list, dict)) else [str(v)]) for k, v in messages.items()}
    if isinstance(messages, list):
        return {"_schema": [str(m) for m in messages]}
    return {"_schema": [str(messages)]}


def error_response(status: int, errors: dict):
    response = jsonify({"errors": errors})
    response.status_code = status
    return response


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def register_error_handlers(app) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc.status, exc.errors)

    @app.errorhandler(ValidationError)
    def _validation_error(exc: ValidationError):
        return error_response(422, _normalise(exc.messages))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code == 413:
            from flask_babel import gettext
            exc.description = gettext("The upload is larger than %(mb)d MB (MAX_UPLOAD_MB); nothing was stored. "
                                      "Split the file or ask an administrator to raise the limit.",
                                      mb=-(-app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)))
        if not is_api_request():
            return exc
        return error_response(exc.code or 500, {"_schema": [exc.description or exc.name]})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if is_api_request():
            return error_response(500, {"_schema": ["internal error; it has been logged"]})
        return "Internal error; it has been logged.", 500

"""JSON API conventions: `/api/v1/`, marshmallow in and out, uniform errors,
an OpenAPI document built from the same declarations."""
from core.api.blueprint import ApiBlueprint, endpoint_specs
from core.api.errors import ApiError, conflict, not_found

__all__ = ["ApiBlueprint", "ApiError", "conflict", "endpoint_specs", "not_found"]

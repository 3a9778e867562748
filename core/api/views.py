"""Core API resources: the OpenAPI document, the current user, users, API tokens."""
from __future__ import annotations

from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core.api.blueprint import ApiBlueprint
from core.api.errors import ApiError, not_found
from core.api.openapi import build_spec
from core.auth.access import current_user
from core.auth.passwords import hash_password
from core.auth.tokens import create_token
from core.db import db
from core.models import ApiToken, Role, User

bp = ApiBlueprint("api_core", __name__, tag="core")

ROLE_VALUES = [r.value for r in Role]


class UserSchema(Schema):
    id = fields.Int(dump_only=True)
    username = fields.Str(required=True, validate=validate.Length(min=2, max=64))
    display_name = fields.Str(load_default="", validate=validate.Length(max=128))
    email = fields.Email(allow_none=True, load_default=None)
    role = fields.Str(required=True, validate=validate.OneOf(ROLE_VALUES))
    active = fields.Bool(load_default=True)
    language = fields.Str(allow_none=True, load_default=None, validate=validate.OneOf(["zh", "en"]))
    agent_pin = fields.Str(allow_none=True, load_default=None, validate=validate.Regexp(r"^\d{4,12}$"))
    softphone_uri = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=255))
    seat_kind = fields.Str(load_default="agent", validate=validate.OneOf(["trainee", "agent", "team_lead"]))
    is_senior = fields.Bool(load_default=False)
    password = fields.Str(load_only=True, required=True, validate=validate.Length(min=8, max=256))


class UserOutSchema(UserSchema):
    role = fields.Function(lambda u: u.role.value)
    password = fields.Str(load_only=True)


class TokenCreateSchema(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=128))
    expires_at = fields.AwareDateTime(load_default=None, allow_none=True)


class TokenSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    prefix = fields.Str()
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)
    revoked = fields.Bool()
    token = fields.Str(dump_only=True, metadata={"description": "shown once, at creation"})


@bp.endpoint("/openapi.json", summary="This API's OpenAPI document")
def openapi():
    return build_spec()


@bp.endpoint("/me", response=UserOutSchema, summary="The authenticated user")
def me():
    return current_user


@bp.endpoint("/users", roles=[Role.ADMIN], response=UserOutSchema, many=True)
def list_users():
    """List users."""
    return db.session.scalars(select(User).order_by(User.username)).all()


@bp.endpoint("/users", methods=["POST"], roles=[Role.ADMIN], body=UserSchema, response=UserOutSchema, status=201)
def create_user(body):
    """Create a user."""
    if db.session.scalar(select(User).where(User.username == body["username"])):
        raise ApiError(409, "username already taken", "username")
    if body.get("agent_pin") and db.session.scalar(select(User).where(User.agent_pin == body["agent_pin"])):
        raise ApiError(409, "agent PIN already in use", "agent_pin")
    password = body.pop("password")
    body["role"] = Role(body["role"])
    user = User(**body, password_hash=hash_password(password))
    db.session.add(user)
    db.session.commit()
    return user


@bp.endpoint("/users/<int:user_id>", roles=[Role.ADMIN], response=UserOutSchema)
def get_user(user_id: int):
    """One user."""
    user = db.session.get(User, user_id)
    if user is None:
        raise not_found("user")
    return user


@bp.endpoint("/tokens", response=TokenSchema, many=True, summary="The caller's API tokens")
def list_tokens():
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)).all()


@bp.endpoint("/tokens", methods=["POST"], body=TokenCreateSchema, response=TokenSchema, status=201,
             summary="Create an API token for the caller; the token is shown once")
def create_api_token(body):
    row, clear = create_token(db.session, current_user, body["name"], body.get("expires_at"))
    db.session.commit()
    row.token = clear  # transient: dumped once in this response, never stored
    return row


@bp.endpoint("/tokens/<int:token_id>", methods=["DELETE"], status=204, summary="Revoke one of the caller's tokens")
def revoke_token(token_id: int):
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != current_user.id:
        raise not_found("token")
    row.revoked = True
    db.session.commit()
    return None

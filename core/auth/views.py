"""Login and logout pages (session cookie, CSRF-protected form, rate-limited)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core.auth.access import public
from core.auth.passwords import hash_password, needs_rehash, verify_password
from core.auth.ratelimit import LoginThrottle
from core.clock import utcnow
from core.db import db
from core.models import User

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=256)])


def _throttle() -> LoginThrottle:
    from core.redis_conn import app_redis

    cfg = current_app.config
    return LoginThrottle(app_redis(), cfg["LOGIN_RATE_LIMIT"], cfg["LOGIN_RATE_WINDOW"])


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("core.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    # Only a real form post counts: Flask-WTF would otherwise read a JSON
    # body as form data, with values of any type.
    form = LoginForm(formdata=request.form if request.method == "POST" else None)
    status = 200
    if form.validate_on_submit():
        addr = request.remote_addr or "-"
        throttle = _throttle()
        wait = throttle.blocked(form.username.data, addr)
        if wait:
            flash(_("Too many failed logins. Try again in %(seconds)d seconds.", seconds=wait), "error")
            return render_template("login.html", form=form), 429
        user = db.session.scalar(select(User).where(User.username == form.username.data))
        if user is not None and user.active and verify_password(user.password_hash, form.password.data):
            throttle.succeeded(form.username.data, addr)
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            user.last_login_at = utcnow()
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        throttle.failed(form.username.data, addr)
        flash(_("Wrong username or password."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@public
def logout():
    logout_user()
    return redirect(url_for("auth.login"))

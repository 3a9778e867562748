"""The Flask application factory."""
from __future__ import annotations

import gc
import os
from pathlib import Path

from flask import Flask, jsonify, redirect, request, session, url_for
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from config import load_config

TRANSLATION_DOMAINS = ("messages", "lists", "campaigns", "scripts", "console", "reports", "dialer")

csrf = CSRFProtect()
babel = Babel()

ROOT = Path(__file__).resolve().parent.parent


def select_locale() -> str:
    from flask import current_app
    from flask_login import current_user

    lang = session.get("lang")
    if lang in ("zh", "en"):
        return lang
    if current_user and current_user.is_authenticated and current_user.language in ("zh", "en"):
        return current_user.language
    return current_app.config["DEFAULT_LANGUAGE"]


def create_app(env: str | None = None, **overrides) -> Flask:
    """Build the web app; `overrides` replace settings (tests pass DATABASE_URL and so on)."""
    config = load_config(env, **overrides)
    Path(config.INSTANCE_PATH).mkdir(parents=True, exist_ok=True)
    app = Flask(
        __name__,
        instance_path=os.path.abspath(config.INSTANCE_PATH),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(config.as_flask())
    app.config["SETTINGS"] = config
    # Flask-Babel pairs the n-th directory with the n-th domain.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join([str(ROOT / "translations")] * len(TRANSLATION_DOMAINS))
    app.config["BABEL_DEFAULT_LOCALE"] = config.DEFAULT_LANGUAGE
    # One catalogue per feature area, so areas are translated independently.
    app.config["BABEL_DOMAIN"] = ";".join(TRANSLATION_DOMAINS)
    app.json.ensure_ascii = False

    import core.all_models  # noqa: F401  (the whole schema, for relationships by name)
    from core.api.errors import register_error_handlers
    from core.auth.access import login_manager
    from core.db import db

    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    register_error_handlers(app)

    @app.before_request
    def _fresh_locale():
        # The locale is cached on the app context, which outlives a request
        # in tests and CLI use; each request decides it anew.
        from flask_babel import refresh

        refresh()

    @login_manager.unauthorized_handler
    def _unauthorized():
        if request.path.startswith("/api/"):
            response = jsonify({"errors": {"_schema": ["authentication required"]}})
            response.status_code = 401
            return response
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))

    _register_blueprints(app)

    from core.cli import register_cli

    register_cli(app)

    @app.context_processor
    def _template_globals():
        return {"current_locale": select_locale()}

    _freeze_startup_objects()
    return app


def _freeze_startup_objects() -> None:
    """Move what start-up built (modules, mappers, schemas, phone metadata:
    ~200k objects, none of them garbage) out of the cyclic collector's sight.
    Otherwise every full collection walks them all while serving, a pause of
    200+ ms measured in the request that triggers it (a screen pop's goal is
    300 ms).  Requests' own garbage is collected as before."""
    gc.collect()
    gc.freeze()


def _register_blueprints(app: Flask) -> None:
    """Core pages and API, then every `routes` module found in the feature
    packages: each exposes `blueprints`, a list of Blueprints.  API blueprints
    carry their own CSRF check (header token) or a bearer token."""
    from core.api.blueprint import ApiBlueprint
    from core.api.views import bp as api_core_bp
    from core.auth.views import bp as auth_bp
    from core.views import bp as core_bp

    for bp in [core_bp, auth_bp, api_core_bp, *discover_blueprints()]:
        app.register_blueprint(bp)
        if isinstance(bp, ApiBlueprint):
            csrf.exempt(bp)


FEATURE_PACKAGES = ("campaigns", "scripts_mgmt", "dialer", "recordings", "reports", "console")
SKIP_PACKAGES = {"sim", "tests", "models", "migrations"}


def _subpackages(name: str, path: str) -> list[str]:
    """Package names under `path`, found without importing them."""
    import pkgutil

    out = [name]
    for info in pkgutil.iter_modules([path]):
        if info.ispkg and info.name not in SKIP_PACKAGES:
            out.extend(_subpackages(f"{name}.{info.name}", os.path.join(path, info.name)))
    return out


def discover_modules() -> list:
    """The `routes` modules of the feature packages (imported once, cached by Python)."""
    import importlib

    modules = []
    for name in FEATURE_PACKAGES:
        path = ROOT / name
        if not (path / "__init__.py").exists():
            continue
        for package in _subpackages(name, str(path)):
            if (ROOT / package.replace(".", "/") / "routes.py").exists():
                modules.append(importlib.import_module(package + ".routes"))
    return modules


def discover_blueprints() -> list:
    return [bp for module in discover_modules() for bp in getattr(module, "blueprints", [])]

"""The top bar's links per role (base.html draws `nav_items`).  A link is
shown when its page exists in this app and the user passes the page's own
role check (the `required_roles` that `roles_required` puts on every view),
so the menu never offers a page that answers 403 and never goes stale."""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

NAV = [
    ("core.home", _l("Home")),
    ("console.agent_console", _l("Agent console")),
    ("console.wallboard", _l("Wallboard")),
    ("campaign_pages.index", _l("Campaigns")),
    ("lists_pages.import_page", _l("Import a call list")),
    ("dnc_pages.index", _l("Do-not-call list")),
    ("scripts_pages.script_list", _l("Scripts")),
    ("recordings_pages.catalogue_page", _l("Recordings")),
    ("reports_pages.report_list", _l("Reports")),
]


def nav_items(user) -> list[dict]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    views = current_app.view_functions
    items = []
    for endpoint, label in NAV:
        view = views.get(endpoint)
        if view is None:
            continue
        roles = getattr(view, "required_roles", ())
        if not roles or user.has_role(*roles):
            items.append({"url": url_for(endpoint), "label": label, "endpoint": endpoint})
    return items

"""`python -m campaigns.lists ...`: the `lists` command group with an app
built from the environment, usable before the group is wired into `flask`."""
from __future__ import annotations

from campaigns.lists.cli import lists_group
from core.app import create_app


def main() -> None:
    app = create_app()
    with app.app_context():
        lists_group.main(prog_name="python -m campaigns.lists")


if __name__ == "__main__":
    main()

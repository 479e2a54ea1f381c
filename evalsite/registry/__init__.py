"""Registry: enterprises, collective contracts, campaigns and enrolment, accounts, import and the audit log.

One blueprint named ``registry`` because the shared navigation names its
endpoints; the views are split by responsibility into ``views_*`` modules.
"""
from __future__ import annotations

from .blueprint import bp  # noqa: E402  (the views register on it)
BLUEPRINTS = [bp]

from . import (views_campaigns, views_contracts, views_enterprises, views_import,  # noqa: E402,F401
               views_hub, views_import_contracts, views_users)


def register_cli(app) -> None:
    from .cli import import_contracts_command, import_registry_command
    from .import_aliases import vocabulary

    vocabulary()  # a broken import_aliases.yaml stops the app at start, not in a clerk's upload
    app.cli.add_command(import_registry_command)
    app.cli.add_command(import_contracts_command)

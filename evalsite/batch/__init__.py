"""Batch work (issue 11 item 6): bulk assignment, batch approve/issue, district ZIPs, large exports.

Each batch is a job (``evalsite.jobs``, rows in ``job``) run by an RQ worker when
``REDIS_URL`` is set, otherwise by a thread of the web process or by
``flask run-job`` (``execute.py``). Every job acts as the person who asked for
it and lists the items it refused with the reason. The job kinds are the
``kind_*.py`` modules, named in ``registry.py``.
"""
from .blueprint import bp  # noqa: F401

from . import views_assign, views_downloads, views_jobs, views_reports  # noqa: E402,F401


def register_cli(app):
    from .cli import COMMANDS

    for command in COMMANDS:
        app.cli.add_command(command)

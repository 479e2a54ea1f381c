"""``flask --app evalsite ...`` commands shared by every area.

Areas add their own commands through a ``register_cli(app)`` function, which the app factory
calls next to registering the area's blueprints (``evalsite._register_areas``).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from .db import db, writing

ROOT = Path(__file__).resolve().parent.parent


def alembic_config():
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = current_app.config["DATABASE_URL"]
    return cfg


def resolve_campaign(code: str | None):
    """The campaign named by --campaign CODE, or the current one."""
    from .models import Campaign

    if code:
        campaign = db.session.scalar(select(Campaign).where(Campaign.code == code))
        if campaign is None:
            raise click.ClickException(f"找不到行动代码 {code}")
        return campaign
    from .campaign_context import current_campaign

    campaign = current_campaign(db.session)
    if campaign is None:
        raise click.ClickException("没有当前行动，请用 --campaign CODE 指定")
    return campaign


def resolve_user(username: str):
    """The active account named by --as USERNAME (batch commands act as a person, never as "the system")."""
    from .models import User

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise click.ClickException(f"找不到启用中的用户 {username}")
    return user


campaign_option = click.option("--campaign", "campaign_code", default=None, help="行动代码（默认当前行动）")

dbcli = AppGroup("db", help="数据库迁移 (Alembic)。")


@dbcli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Migrate the database named by DATABASE_URL."""
    from alembic import command

    command.upgrade(alembic_config(), revision)
    click.echo(f"数据库已迁移到 {revision}")


@dbcli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision):
    from alembic import command

    command.downgrade(alembic_config(), revision)


@dbcli.command("current")
def db_current():
    from alembic import command

    command.current(alembic_config())


@dbcli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate", is_flag=True)
def db_revision(message, autogenerate):
    from alembic import command

    command.revision(alembic_config(), message=message, autogenerate=autogenerate)


@click.command("create-admin")
@click.option("--username", prompt="用户名")
@click.option("--password", prompt="密码", hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default="市级管理员")
@with_appcontext
def create_admin(username, password, display_name):
    """Create a city administrator (prompts when options are missing)."""
    from .auth.passwords import hash_password, password_problem
    from .models import User

    problem = password_problem(password, username=username, other_inputs=(display_name,))
    if problem:
        raise click.ClickException(problem)
    with writing():
        if db.session.scalar(select(User).where(User.username == username)):
            raise click.ClickException(f"用户名 {username} 已存在")
        db.session.add(User(username=username, password_hash=hash_password(password),
                            display_name=display_name, role="city_admin"))
        db.session.commit()
    click.echo(f"已创建市级管理员 {username}")


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="清空现有数据后重新生成演示数据")
@click.option("--seed", "rng_seed", default=2021, show_default=True)
@click.option("--enterprises", default=300, show_default=True)
@click.option("--if-empty", is_flag=True, help="数据库已有数据时跳过（退出码0），供启动脚本使用")
@with_appcontext
def seed_demo(force, rng_seed, enterprises, if_empty):
    """Fill the database with the demo city and print the demo logins."""
    from .demo import DemoAlreadySeeded, demo_logins, seed

    try:
        with writing():
            logins = seed(db.session, rng_seed=rng_seed, enterprises=enterprises, force=force)
    except DemoAlreadySeeded as exc:
        if not if_empty:
            click.echo(str(exc), err=True)
            sys.exit(1)
        click.echo("数据库已有数据，跳过演示数据生成。")
        logins = demo_logins(db.session)
    click.echo("演示数据已生成。演示账号（用户名 / 密码）：")
    for role, username, password, note in logins:
        click.echo(f"  {role:<8} {username:<18} {password:<14} {note}")


@click.command("remind-deadlines")
@click.option("--days", type=click.IntRange(0, 60), default=None,
              help="到期前几天开始提醒（默认取 REMINDER_DAYS_BEFORE，3 天）")
@click.option("--date", "on_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="按哪一天计算（默认今天，北京时间）")
@with_appcontext
def remind_deadlines(days, on_date):
    """Send the approaching and missed deadline reminders due today (for cron; each is sent once)."""
    from .reminders import remind_deadlines as run
    from .timefmt import local_today

    today = on_date.date() if on_date else local_today()
    with writing():
        sent = run(db.session, today, current_app.config["REMINDER_DAYS_BEFORE"] if days is None else days)
        db.session.commit()
    click.echo(f"{today.isoformat()}：{sent}。")


def register_cli(app: Flask) -> None:
    app.cli.add_command(dbcli)
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(remind_deadlines)
    from . import storage_cli

    storage_cli.register_cli(app)

"""Fixtures: an app per test on a temporary database, a client, users of each role.

The database is SQLite in a temporary folder unless ``TEST_DATABASE_URL``
points at PostgreSQL; the schema is created once per run and every table is
emptied after each test.
"""
from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.orm import object_session

from evalsite import create_app
from evalsite.auth.passwords import hash_password
from evalsite.creditcode import generate as generate_code
from evalsite.db import Base, make_engine

from hypothesis import HealthCheck, settings as hypothesis_settings

# Property tests run the same examples on every machine (a red CI can be replayed) and are not
# failed for being slow on a loaded two-core machine.
hypothesis_settings.register_profile(
    "evalsite", derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
hypothesis_settings.load_profile("evalsite")

PASSWORD = "Passw0rd!demo"
_PASSWORD_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per run


def _test_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    from evalsite import models  # noqa: F401

    url = _test_url(tmp_path_factory)
    engine = make_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            Base.metadata.drop_all(conn)
        Base.metadata.create_all(conn)
    engine.dispose()
    return url


def _empty_tables(engine) -> None:
    names = [t.name for t in Base.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(names):
                conn.execute(text(f'DELETE FROM "{name}"'))


S3_BUCKET = "evalsite-test"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3-compatible HTTP server (moto) on loopback for the whole run, with one bucket."""
    from moto.server import ThreadedMotoServer
    import boto3

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test").create_bucket(Bucket=S3_BUCKET)
    yield url
    server.stop()


def s3_settings(endpoint: str, prefix: str) -> dict:
    return {"STORAGE_URL": f"s3://{S3_BUCKET}/{prefix}", "STORAGE_ENDPOINT_URL": endpoint,
            "STORAGE_REGION": "us-east-1", "STORAGE_ACCESS_KEY": "test", "STORAGE_SECRET_KEY": "test"}


@pytest.fixture
def storage_config(request, tmp_path):
    """Where the test app keeps files: a temporary folder, or with ``TEST_STORAGE=s3`` the moto server
    (a prefix of its own per test, so no test sees another's objects)."""
    if os.environ.get("TEST_STORAGE", "").lower() == "s3":
        import uuid

        return s3_settings(request.getfixturevalue("s3_endpoint"), f"t-{uuid.uuid4().hex[:12]}")
    return {"STORAGE_URL": None, "STORAGE_DIR": str(tmp_path / "files")}


@pytest.fixture
def app_config(database_url, tmp_path, storage_config):
    return {
        **storage_config,
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-0123456789",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "REDIS_URL": None,
        # batch jobs stay queued unless a test asks for the thread runner (no thread outlives its test)
        "JOB_RUNNER": "cli",
        # survey releases inline, after the reply: a test sees the release of its fifth answer at once
        "SURVEY_RELEASE_DELAY": None,
        "PUBLIC_BASE_URL": "http://localhost",
        "SERVER_NAME": None,
    }


@pytest.fixture
def app(app_config):
    application = create_app(app_config)
    yield application
    engine = application.extensions["evalsite_db"].engine
    _empty_tables(engine)
    application.extensions["evalsite_db"].dispose()  # and the survey's autocommit pool


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    """A session of the test's own, NOT the request's: requests get theirs.

    No app context stays pushed during the test (it would make requests share
    ``g`` and Flask-Login's cached user).  After a request, call
    ``session.expire_all()`` (and ``session.rollback()`` on SQLite, to leave
    an old read snapshot) before asserting on what it wrote.
    """
    sess = app.extensions["evalsite_db"].factory()
    yield sess
    sess.close()


@dataclass
class Factory:
    """Builds valid organisations, users and campaigns with few keystrokes."""

    session: object
    rng: random.Random

    def unit(self, name="环翠区", code=None, kind="district", sort_order=0):
        from evalsite.models import ReportingUnit

        unit = ReportingUnit(name=name, code=code or f"U{self.rng.randrange(10**8)}", kind=kind, sort_order=sort_order)
        self.session.add(unit)
        self.session.flush()
        return unit

    def industry(self, name="制造业", new_form=False, code=None):
        from evalsite.models import Industry

        ind = Industry(name=name, code=code or f"I{self.rng.randrange(10**8)}", is_new_form=new_form)
        self.session.add(ind)
        self.session.flush()
        return ind

    def enterprise(self, unit, name=None, industry=None, headcount=150, unionised=True, above_size=True, **kw):
        from evalsite.models import Enterprise

        ent = Enterprise(name=name or f"测试企业{self.rng.randrange(10**6)}", credit_code=generate_code(self.rng),
                         unit_id=unit.id, industry_id=industry.id if industry else None, headcount=headcount,
                         unionised=unionised, above_size=above_size, **kw)
        self.session.add(ent)
        self.session.flush()
        return ent

    def user(self, username, role, unit=None, enterprise=None, side=None, active=True):
        from evalsite.models import User

        user = User(username=username, password_hash=_PASSWORD_HASH, display_name=username, role=role,
                    unit_id=unit.id if unit else None, enterprise_id=enterprise.id if enterprise else None,
                    side=side, active=active)
        self.session.add(user)
        self.session.flush()
        return user

    def campaign(self, code="2021-JZYY", current=True, **kw):
        from evalsite.models import Campaign

        values = dict(name="2021年全市集体协商集中要约行动", start_date=dt.date(2021, 3, 1),
                      end_date=dt.date(2021, 4, 15), report_deadline=dt.date(2021, 4, 23), is_current=current)
        values.update(kw)
        campaign = Campaign(code=code, **values)
        self.session.add(campaign)
        self.session.flush()
        return campaign

    def enrol(self, campaign, enterprise):
        from evalsite.models import Enrolment

        enrolment = Enrolment(campaign_id=campaign.id, enterprise_id=enterprise.id, headcount=enterprise.headcount)
        self.session.add(enrolment)
        self.session.flush()
        return enrolment

    def assign(self, campaign, enterprise, evaluator):
        from evalsite.models import EvaluatorAssignment

        a = EvaluatorAssignment(campaign_id=campaign.id, enterprise_id=enterprise.id, evaluator_id=evaluator.id)
        self.session.add(a)
        self.session.flush()
        return a


@pytest.fixture
def factory(session):
    return Factory(session, random.Random(7))


@dataclass
class World:
    """Two districts, two enterprises in district A, one in B, users of every role."""

    unit_a: object
    unit_b: object
    industry: object
    ent_a: object
    ent_a2: object
    ent_b: object
    campaign: object
    city: object
    district_a: object
    district_b: object
    evaluator: object
    evaluator_b: object
    ent_a_union: object
    ent_a_mgmt: object
    ent_b_union: object

    def users(self):
        return {
            "city": self.city, "district_a": self.district_a, "district_b": self.district_b,
            "evaluator": self.evaluator, "evaluator_b": self.evaluator_b, "ent_a_union": self.ent_a_union,
            "ent_a_mgmt": self.ent_a_mgmt, "ent_b_union": self.ent_b_union,
        }


@pytest.fixture
def world(factory, session):
    unit_a = factory.unit("环翠区", code="371002", sort_order=1)
    unit_b = factory.unit("文登区", code="371003", sort_order=2)
    industry = factory.industry("制造业")
    ent_a = factory.enterprise(unit_a, name="威海甲机械有限公司", industry=industry, headcount=320)
    ent_a2 = factory.enterprise(unit_a, name="威海乙食品有限公司", industry=industry, headcount=180)
    ent_b = factory.enterprise(unit_b, name="文登丙纺织有限公司", industry=industry, headcount=240)
    campaign = factory.campaign()
    for ent in (ent_a, ent_a2, ent_b):
        factory.enrol(campaign, ent)
    w = World(
        unit_a=unit_a, unit_b=unit_b, industry=industry, ent_a=ent_a, ent_a2=ent_a2, ent_b=ent_b, campaign=campaign,
        city=factory.user("city", "city_admin"),
        district_a=factory.user("district_a", "district_admin", unit=unit_a),
        district_b=factory.user("district_b", "district_admin", unit=unit_b),
        evaluator=factory.user("evaluator", "evaluator", unit=unit_a),
        evaluator_b=factory.user("evaluator_b", "evaluator", unit=unit_b),
        ent_a_union=factory.user("ent_a_union", "enterprise", enterprise=ent_a, side="union"),
        ent_a_mgmt=factory.user("ent_a_mgmt", "enterprise", enterprise=ent_a, side="management"),
        ent_b_union=factory.user("ent_b_union", "enterprise", enterprise=ent_b, side="union"),
    )
    factory.assign(campaign, ent_a, w.evaluator)
    factory.assign(campaign, ent_b, w.evaluator_b)
    session.commit()
    return w


def login(client, user) -> None:
    """Log a user in without paying for argon2 on every test: a server-side session, its id in the cookie."""
    from evalsite.auth import sessions
    from evalsite.db import db, writing

    user_id, login_id = user.id, user.get_id()  # may load from the test's session: not inside writing()
    own = object_session(user)
    if own is not None:
        # the login writes its server-side session: end the test's read snapshot first, or the test's next
        # write would fail on SQLite (its snapshot would be older than the login's commit)
        own.commit()
    with client.application.app_context(), writing():
        token = sessions.store().create(user_id)
        db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = login_id
        sess["_fresh"] = True
        sess[sessions.SESSION_KEY] = token


@pytest.fixture
def login_as(client):
    def _login(user):
        login(client, user)
        return client

    return _login


def pytest_collection_modifyitems(config, items):
    """Without TEST_DATABASE_URL on PostgreSQL, tests marked ``pg`` are skipped."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgres"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL")
    for item in items:
        if "pg" in item.keywords:
            item.add_marker(skip)

"""The schema holds the state rules: raw SQL that breaks one is refused on SQLite and PostgreSQL.

Every CHECK constraint of the models has at least one raw UPDATE/INSERT here that must fail with
that constraint's name in the error (a new constraint without a case fails
``test_every_check_constraint_has_a_case``); the partial unique index refuses a second self-assessment
and allows several external ones; the migration gives the migrated database exactly the models'
constraints, repairs what it says it repairs and refuses what it cannot.
"""
from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import CheckConstraint, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from evalsite.db import Base, normalise_url
from evalsite.models import (Assessment, CollectiveContract, EscalationLetter, EvidenceRequest, RectificationEvent,
                             RectificationItem, Report, ReportVersion, ReviewEvent, Submission, SurveyDefinition,
                             SurveyLink, SurveyRelease, VetoEvent)
from evalsite.models.base import utcnow
from evalsite.models.reports import ITEM_STATUS_CODES, LETTER_STATUS_CODES, VERSION_STATUS_CODES, EVENT_KINDS
from evalsite.labels import vocabulary

from .test_migrations import _alembic_config, empty_database_url  # noqa: F401  (the fixture)

BEFORE = "3c9e1a7b5d20"  # main's head before the state rules
SELF_INDEX = "uq_assessment_campaign_id_enterprise_id"
TODAY = dt.date(2021, 4, 20)

# (constraint, raw SQL breaking it) — every statement touches rows built by ``rows`` below
CASES = [
    ("ck_reporting_unit_kind", "UPDATE reporting_unit SET kind = 'planet'"),
    ("ck_collective_contract_scope", "UPDATE collective_contract SET scope = 'galaxy'"),
    ("ck_collective_contract_kind", "UPDATE collective_contract SET kind = 'secret'"),
    ("ck_collective_contract_offer_by", "UPDATE collective_contract SET offer_by = 'nobody'"),
    ("ck_collective_contract_review_result", "UPDATE collective_contract SET review_result = 'maybe'"),
    ("ck_user_account_role", "UPDATE user_account SET role = 'root' WHERE username = 'city'"),
    ("ck_user_account_side", "UPDATE user_account SET side = 'both' WHERE username = 'ent_a_union'"),
    ("ck_user_account_enterprise_account", "UPDATE user_account SET side = NULL WHERE username = 'ent_a_union'"),
    ("ck_user_account_enterprise_account",
     "UPDATE user_account SET enterprise_id = NULL WHERE username = 'ent_a_mgmt'"),
    ("ck_user_account_enterprise_account", "UPDATE user_account SET side = 'union' WHERE username = 'city'"),
    ("ck_user_account_enterprise_account",
     "UPDATE user_account SET enterprise_id = (SELECT MIN(id) FROM enterprise) WHERE username = 'evaluator'"),
    ("ck_user_account_district_unit", "UPDATE user_account SET unit_id = NULL WHERE username = 'district_a'"),
    ("ck_assessment_kind", "UPDATE assessment SET kind = 'peer' WHERE evaluator_id IS NOT NULL"),
    ("ck_assessment_status", "UPDATE assessment SET status = 'locked'"),
    ("ck_assessment_evaluator_of_kind",
     "UPDATE assessment SET evaluator_id = (SELECT MIN(id) FROM user_account) WHERE kind = 'self'"),
    ("ck_assessment_evaluator_of_kind", "UPDATE assessment SET kind = 'self' WHERE kind = 'external'"),
    ("ck_assessment_submitted_dated", "UPDATE assessment SET status = 'submitted', submitted_at = NULL"),
    ("ck_evidence_request_status", "UPDATE evidence_request SET status = 'ignored'"),
    ("ck_evidence_request_answered_dated", "UPDATE evidence_request SET status = 'answered'"),
    ("ck_veto_event_kind", "UPDATE veto_event SET kind = 'rumour'"),
    ("ck_report_kind", "UPDATE report SET kind = 'annual'"),
    ("ck_report_version_status", "UPDATE report_version SET status = 'published'"),
    ("ck_report_version_approved_dated",
     "UPDATE report_version SET status = 'approved', approved_at = NULL WHERE status = 'draft'"),
    ("ck_report_version_issued_sealed", "UPDATE report_version SET sha256 = NULL WHERE status = 'issued'"),
    ("ck_report_version_issued_sealed", "UPDATE report_version SET verify_code = NULL WHERE status = 'issued'"),
    ("ck_report_version_issued_sealed", "UPDATE report_version SET issue_date = NULL WHERE status = 'issued'"),
    ("ck_report_version_issued_sealed", "UPDATE report_version SET status = 'superseded' WHERE status = 'draft'"),
    ("ck_report_version_revoked_reason", "UPDATE report_version SET status = 'revoked' WHERE status = 'issued'"),
    ("ck_report_version_revoked_reason",
     "UPDATE report_version SET status = 'revoked', revoked_reason = '  ', revoked_at = issued_at"
     " WHERE status = 'issued'"),
    ("ck_rectification_item_status", "UPDATE rectification_item SET status = 'closed'"),
    ("ck_rectification_item_answered", "UPDATE rectification_item SET status = 'submitted'"),
    ("ck_rectification_item_accepted_dated",
     "UPDATE rectification_item SET status = 'accepted', measures = '已整改', submitted_at = created_at"),
    ("ck_rectification_item_returned_counted",
     "UPDATE rectification_item SET status = 'returned', measures = '已整改', submitted_at = created_at"),
    ("ck_rectification_event_kind", "UPDATE rectification_event SET kind = 'gossip'"),
    ("ck_rectification_event_from_status", "UPDATE rectification_event SET from_status = 'closed'"),
    ("ck_rectification_event_to_status", "UPDATE rectification_event SET to_status = 'closed'"),
    ("ck_escalation_letter_status", "UPDATE escalation_letter SET status = 'sent'"),
    ("ck_escalation_letter_kind", "UPDATE escalation_letter SET kind = 'memo'"),
    ("ck_escalation_letter_issued_numbered", "UPDATE escalation_letter SET status = 'issued'"),
    ("ck_escalation_letter_number_when_issued", "UPDATE escalation_letter SET number = '威工提〔2021〕1号'"),
    ("ck_escalation_letter_approved_dated", "UPDATE escalation_letter SET status = 'approved'"),
    ("ck_escalation_letter_response_dated", "UPDATE escalation_letter SET response = '已收到'"),
    ("ck_escalation_letter_response_dated", "UPDATE escalation_letter SET responded_at = drafted_at"),
    ("ck_review_event_object_type", "UPDATE review_event SET object_type = 'letter'"),
    ("ck_review_event_action", "UPDATE review_event SET action = 'shrug'"),
    ("ck_review_event_reason_given", "UPDATE review_event SET action = 'return'"),
    ("ck_review_event_reason_given", "UPDATE review_event SET action = 'revoke'"),
    ("ck_survey_definition_audience", "UPDATE survey_definition SET audience = 'public'"),
    ("ck_survey_link_audience", "UPDATE survey_link SET audience = 'public'"),
    ("ck_survey_link_status", "UPDATE survey_link SET status = 'paused'"),
    ("ck_submission_audience", "UPDATE submission SET audience = 'public'"),
    ("ck_survey_release_audience", "UPDATE survey_release SET audience = 'public'"),
    ("ck_survey_release_positive", "UPDATE survey_release SET number = 0"),
]


def _check_names() -> set[str]:
    return {c.name for t in Base.metadata.tables.values() for c in t.constraints if isinstance(c, CheckConstraint)}


def _engine(app):
    return app.extensions["evalsite_db"].engine


@pytest.fixture
def rows(world, session):
    """One valid row in every table with a CHECK constraint (states chosen so one UPDATE breaks one rule)."""
    w, now = world, utcnow()
    session.add(CollectiveContract(scope="enterprise", kind="comprehensive", title="综合集体合同",
                                   enterprise_id=w.ent_a.id, unit_id=w.unit_a.id, offer_by="enterprise_union",
                                   review_result="pending"))
    report = Report(campaign_id=w.campaign.id, enterprise_id=w.ent_a.id, kind="evaluation", number="威工评〔2021〕1号")
    session.add(report)
    session.flush()
    issued = ReportVersion(report_id=report.id, version=1, status="issued", data={}, sha256="0" * 64,
                           verify_code="ABCD2345EFGH", issue_date=TODAY, approved_at=now, issued_at=now)
    session.add_all([issued, ReportVersion(report_id=report.id, version=2, status="draft", data={})])
    session.flush()
    item = RectificationItem(report_id=report.id, version_id=issued.id, campaign_id=w.campaign.id,
                             enterprise_id=w.ent_a.id, code="P-PROC-01", title="无书面要约", deadline=TODAY)
    session.add(item)
    session.flush()
    session.add_all([
        RectificationEvent(item_id=item.id, to_status="open", kind="status"),
        EscalationLetter(item_id=item.id, enterprise_id=w.ent_a.id, campaign_id=w.campaign.id, kind="reminder",
                         status="draft", addressee=w.ent_a.name, drafted_at=now),
        Assessment(campaign_id=w.campaign.id, enterprise_id=w.ent_a.id, kind="self", system_hash="h", status="draft"),
        Assessment(campaign_id=w.campaign.id, enterprise_id=w.ent_a.id, kind="external", evaluator_id=w.evaluator.id,
                   system_hash="h", status="draft"),
        EvidenceRequest(campaign_id=w.campaign.id, enterprise_id=w.ent_a.id, indicator="B1", message="请补充要约书"),
        VetoEvent(campaign_id=w.campaign.id, enterprise_id=w.ent_a.id, kind="wage_arrears", occurred_on=TODAY,
                  description="经查实拖欠工资"),
        ReviewEvent(object_type="report_version", object_id=issued.id, action="issue", enterprise_id=w.ent_a.id),
        SurveyDefinition(hash="d" * 64, code="worker", version="1", audience="worker", title="职工问卷", yaml_text="x"),
        SurveyLink(campaign_id=w.campaign.id, enterprise_id=w.ent_a.id, audience="worker", token="t" * 32,
                   status="open"),
        Submission(campaign_id=w.campaign.id, enterprise_id=w.ent_a.id, audience="worker", definition_hash="d" * 64,
                   submission_key="k" * 32, answers={}, submitted_on=TODAY),
        SurveyRelease(campaign_id=w.campaign.id, enterprise_id=w.ent_a.id, audience="worker", number=1, answers=5,
                      released_on=TODAY, counts={}),
    ])
    session.commit()
    return w


def test_every_check_constraint_has_a_case():
    assert _check_names() == {name for name, _sql in CASES}


def test_status_vocabularies_have_chinese_names():
    """The code tuples the constraints are built from are the keys labels.yaml names (no code shown raw)."""
    words = vocabulary()
    for group, codes in (("version_status", VERSION_STATUS_CODES), ("item_status", ITEM_STATUS_CODES),
                         ("letter_status", LETTER_STATUS_CODES), ("event_kind", EVENT_KINDS)):
        assert set(words[group]) == set(codes), group


@pytest.mark.parametrize("constraint,sql", CASES, ids=[f"{n}-{i}" for i, (n, _s) in enumerate(CASES)])
def test_raw_sql_breaking_a_rule_is_refused(app, rows, constraint, sql):
    with _engine(app).connect() as conn:
        with pytest.raises(IntegrityError) as refused:
            conn.execute(text(sql))
        conn.rollback()
    assert constraint in str(refused.value)


def test_the_valid_rows_are_unchanged_after_the_refusals(app, rows, session):
    """Control: the fixture's rows satisfy every rule, and a valid raw UPDATE still passes."""
    with _engine(app).begin() as conn:
        conn.execute(text("UPDATE report_version SET status = 'approved', approved_at = drafted_at"
                          " WHERE status = 'draft'"))
        conn.execute(text("UPDATE rectification_item SET status = 'accepted', measures = '已整改',"
                          " submitted_at = created_at, accepted_at = created_at"))
        conn.execute(text("UPDATE escalation_letter SET status = 'approved', approved_at = drafted_at"))
        conn.execute(text("UPDATE user_account SET side = 'management' WHERE username = 'ent_a_union'"))
    session.expire_all()
    assert session.query(ReportVersion).filter_by(status="approved").count() == 1


def _insert_assessment(conn, campaign_id, enterprise_id, kind, evaluator_id=None, status="draft"):
    conn.execute(text(
        "INSERT INTO assessment (campaign_id, enterprise_id, kind, evaluator_id, system_hash, status, created_at,"
        " updated_at) VALUES (:c, :e, :k, :ev, 'h', :s, :now, :now)"),
        dict(c=campaign_id, e=enterprise_id, k=kind, ev=evaluator_id, s=status, now=utcnow()))


def test_raw_insert_of_an_unknown_status_is_refused(app, world):
    w = world
    with _engine(app).connect() as conn:
        with pytest.raises(IntegrityError) as refused:
            _insert_assessment(conn, w.campaign.id, w.ent_a.id, "self", status="finished")
        conn.rollback()
        assert "ck_assessment_status" in str(refused.value)
        _insert_assessment(conn, w.campaign.id, w.ent_a.id, "self", status="draft")  # control: the same, valid
        conn.rollback()


def test_one_self_assessment_per_enterprise_and_campaign_many_external(app, world):
    w = world
    with _engine(app).connect() as conn:
        _insert_assessment(conn, w.campaign.id, w.ent_a.id, "self")
        _insert_assessment(conn, w.campaign.id, w.ent_a.id, "external", w.evaluator.id)
        _insert_assessment(conn, w.campaign.id, w.ent_a.id, "external", w.evaluator_b.id)
        _insert_assessment(conn, w.campaign.id, w.ent_a2.id, "self")  # another enterprise: its own self row
        conn.commit()
        with pytest.raises(IntegrityError) as refused:
            _insert_assessment(conn, w.campaign.id, w.ent_a.id, "self")
        conn.rollback()
    message = str(refused.value)
    assert SELF_INDEX in message or "assessment.campaign_id" in message  # PostgreSQL names it, SQLite the columns


def test_service_still_finds_the_single_self_row(app, world, session):
    from evalsite.assessments.service import find_assessment

    first = find_assessment(session, world.campaign, world.ent_a, create=True)
    again = find_assessment(session, world.campaign, world.ent_a, create=True)
    assert first.id == again.id
    session.commit()


# ---------------------------------------------------------------- the migration


def _migrated_engine(url):
    return create_engine(normalise_url(url))


def test_migrated_schema_has_the_models_rules(empty_database_url):  # noqa: F811
    command.upgrade(_alembic_config(empty_database_url), "head")
    engine = _migrated_engine(empty_database_url)
    try:
        insp = inspect(engine)
        for table in Base.metadata.sorted_tables:
            want = {c.name: str(c.sqltext) for c in table.constraints if isinstance(c, CheckConstraint)}
            got = {c["name"]: c["sqltext"] for c in insp.get_check_constraints(table.name)}
            assert set(got) == set(want), table.name
            if engine.dialect.name == "sqlite":  # PostgreSQL rewrites the text; SQLite keeps it as written
                assert got == want, table.name
        index = next(i for i in insp.get_indexes("assessment") if i["name"] == SELF_INDEX)
        assert index["unique"] and index["column_names"] == ["campaign_id", "enterprise_id"]
        where = index["dialect_options"].get(f"{engine.dialect.name}_where")
        assert where is not None and "self" in str(where)
    finally:
        engine.dispose()


def _old_rows(conn, *, bad: bool) -> None:
    """Rows written before the rules: two repairable ones, and (``bad``) two the migration must refuse."""
    now = utcnow()
    conn.execute(text("INSERT INTO reporting_unit (id, code, name, kind, sort_order)"
                      " VALUES (1, 'U1', '环翠区', 'district', 0)"))
    conn.execute(text(
        "INSERT INTO enterprise (id, name, credit_code, unit_id, headcount, unionised, above_size, normally_operating,"
        " created_at, updated_at) VALUES (1, '甲公司', '91371000000000000X', 1, 150, TRUE, TRUE, TRUE, :now, :now)"),
        dict(now=now))
    conn.execute(text(
        "INSERT INTO campaign (id, code, name, start_date, end_date, target_establishment_rate, target_wage_rate,"
        " min_headcount, is_current, created_at, updated_at)"
        " VALUES (1, 'C1', '行动', '2021-03-01', '2021-04-15', 0.8, 0.9, 100, TRUE, :now, :now)"), dict(now=now))
    conn.execute(text(
        "INSERT INTO user_account (id, username, password_hash, display_name, role, side, active, session_version,"
        " must_change_password, created_at, updated_at)"
        " VALUES (1, 'city', 'x', '管理员', 'city_admin', 'union', TRUE, 1, FALSE, :now, :now)"), dict(now=now))
    conn.execute(text(
        "INSERT INTO assessment (id, campaign_id, enterprise_id, kind, system_hash, status, created_at, updated_at)"
        " VALUES (1, 1, 1, 'self', 'h', 'submitted', :now, :now)"), dict(now=now))
    if bad:
        conn.execute(text(
            "INSERT INTO assessment (id, campaign_id, enterprise_id, kind, system_hash, status, created_at, updated_at)"
            " VALUES (2, 1, 1, 'self', 'h', 'draft', :now, :now)"), dict(now=now))
        conn.execute(text(
            "INSERT INTO survey_link (id, campaign_id, enterprise_id, audience, token, status, ballots_required,"
            " created_at) VALUES (1, 1, 1, 'worker', 'tok', 'paused', FALSE, :now)"), dict(now=now))


def test_upgrade_repairs_what_it_can(empty_database_url):  # noqa: F811
    cfg = _alembic_config(empty_database_url)
    command.upgrade(cfg, BEFORE)
    engine = _migrated_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            _old_rows(conn, bad=False)
        command.upgrade(cfg, "head")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT side, enterprise_id FROM user_account")).one() == (None, None)
            submitted_at, updated_at = conn.execute(text("SELECT submitted_at, updated_at FROM assessment")).one()
            assert submitted_at is not None and submitted_at == updated_at
    finally:
        engine.dispose()


def test_upgrade_refuses_rows_it_cannot_repair_and_changes_nothing(empty_database_url):  # noqa: F811
    cfg = _alembic_config(empty_database_url)
    command.upgrade(cfg, BEFORE)
    engine = _migrated_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            _old_rows(conn, bad=True)
        with pytest.raises(RuntimeError) as refused:
            command.upgrade(cfg, "head")
        message = str(refused.value)
        assert "ck_survey_link_status" in message and SELF_INDEX in message
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == BEFORE
            assert conn.execute(text("SELECT side FROM user_account")).scalar_one() == "union"  # repair rolled back
            assert conn.execute(text("SELECT COUNT(*) FROM assessment WHERE submitted_at IS NULL")).scalar_one() == 2
        assert "ck_survey_link_status" not in {c["name"] for c in inspect(engine).get_check_constraints("survey_link")}
    finally:
        engine.dispose()

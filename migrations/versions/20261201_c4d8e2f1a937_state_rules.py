"""state rules in the schema: CHECK constraints on statuses and their implications; one self-assessment

Adds, on both databases, the CHECK constraints of the models (a fixed vocabulary
for every status, kind, role, side, audience and review step; "approved ⇒
approval time", "issued ⇒ SHA-256, verification code, issue date and time",
"revoked ⇒ reason and time", "answered item ⇒ measures and submission time",
"enterprise account ⇒ enterprise and side", "district administrator ⇒ unit",
letters "numbered ⇒ issued", "answered ⇒ day of the answer" ...) and a partial
unique index over the self rows of ``assessment``.

Before adding them it looks at the rows already there:

* it repairs what can be repaired without inventing anything:
  - an account that is not an enterprise account loses a leftover
    ``enterprise_id``/``side`` (only enterprise accounts use them);
  - a submitted assessment without ``submitted_at`` gets its ``updated_at``
    (a submitted assessment is locked, so its last change is the submission);
  - a report version or letter marked approved without an approval time goes
    back to draft (it is approved again through the four-eyes step);
* it refuses (raises before any DDL; the upgrade's transaction is rolled back,
  repairs included, on SQLite and PostgreSQL alike) when any other row breaks a
  rule, or when an enterprise has two self-assessments in one campaign, naming
  the table, the rule and up to 20 row ids, so an operator can correct the data
  and run the upgrade again.

The conditions are written out here (not imported from the models) so this
revision keeps meaning what it meant; ``tests/evalsite/test_schema_rules.py``
checks the migrated schema has exactly the models' constraints.

Revision ID: c4d8e2f1a937
Revises: 3c9e1a7b5d20
Create Date: 2026-12-01 13:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d8e2f1a937'
down_revision = '3c9e1a7b5d20'
branch_labels = None
depends_on = None

SELF_INDEX = 'uq_assessment_campaign_id_enterprise_id'
SELF_WHERE = "kind = 'self'"
KEYS = {'survey_definition': 'hash'}  # the column naming a row in a refusal (id elsewhere)

RULES = {
    'reporting_unit': [
        ('ck_reporting_unit_kind',
         "kind IN ('city', 'district', 'county_city', 'zone', 'industry_union', 'enterprise_union')"),
    ],
    'collective_contract': [
        ('ck_collective_contract_kind',
         "kind IN ('comprehensive', 'wage', 'female')"),
        ('ck_collective_contract_offer_by',
         "offer_by IN ('enterprise_union', 'upper_union', 'employer')"),
        ('ck_collective_contract_review_result',
         "review_result IN ('pending', 'no_objection', 'objection', 'objection_resolved')"),
        ('ck_collective_contract_scope',
         "scope IN ('enterprise', 'industry', 'regional')"),
    ],
    'report': [
        ('ck_report_kind',
         "kind IN ('evaluation', 'closing')"),
    ],
    'submission': [
        ('ck_submission_audience',
         "audience IN ('worker', 'employer')"),
    ],
    'survey_link': [
        ('ck_survey_link_audience',
         "audience IN ('worker', 'employer')"),
        ('ck_survey_link_status',
         "status IN ('open', 'closed', 'rotated')"),
    ],
    'survey_release': [
        ('ck_survey_release_audience',
         "audience IN ('worker', 'employer')"),
    ],
    'user_account': [
        ('ck_user_account_district_unit',
         "role != 'district_admin' OR unit_id IS NOT NULL"),
        ('ck_user_account_enterprise_account',
         "(role = 'enterprise' AND enterprise_id IS NOT NULL AND side IS NOT NULL)"
         " OR (role != 'enterprise' AND enterprise_id IS NULL AND side IS NULL)"),
        ('ck_user_account_role',
         "role IN ('city_admin', 'district_admin', 'evaluator', 'enterprise')"),
        ('ck_user_account_side',
         "side IN ('union', 'management')"),
    ],
    'assessment': [
        ('ck_assessment_evaluator_of_kind',
         "(kind != 'self' OR evaluator_id IS NULL) AND (kind != 'external' OR evaluator_id IS NOT NULL)"),
        ('ck_assessment_kind',
         "kind IN ('self', 'external')"),
        ('ck_assessment_status',
         "status IN ('draft', 'submitted')"),
        ('ck_assessment_submitted_dated',
         "status != 'submitted' OR submitted_at IS NOT NULL"),
    ],
    'evidence_request': [
        ('ck_evidence_request_answered_dated',
         "status != 'answered' OR answered_at IS NOT NULL"),
        ('ck_evidence_request_status',
         "status IN ('open', 'answered')"),
    ],
    'report_version': [
        ('ck_report_version_approved_dated',
         "status != 'approved' OR approved_at IS NOT NULL"),
        ('ck_report_version_issued_sealed',
         "status NOT IN ('issued', 'superseded', 'revoked') OR (sha256 IS NOT NULL AND verify_code IS NOT NULL"
         " AND issue_date IS NOT NULL AND issued_at IS NOT NULL)"),
        ('ck_report_version_revoked_reason',
         "status != 'revoked' OR (revoked_reason IS NOT NULL AND TRIM(revoked_reason) != ''"
         " AND revoked_at IS NOT NULL)"),
        ('ck_report_version_status',
         "status IN ('draft', 'returned', 'approved', 'issued', 'superseded', 'revoked')"),
    ],
    'review_event': [
        ('ck_review_event_action',
         "action IN ('return', 'reopen', 'withdraw', 'approve', 'issue', 'revoke', 'submit', 'resubmit')"),
        ('ck_review_event_object_type',
         "object_type IN ('report_version', 'assessment')"),
        ('ck_review_event_reason_given',
         "action NOT IN ('return', 'reopen', 'withdraw', 'revoke') OR reason IS NOT NULL"),
    ],
    'survey_definition': [
        ('ck_survey_definition_audience',
         "audience IN ('worker', 'employer')"),
    ],
    'veto_event': [
        ('ck_veto_event_kind',
         "kind IN ('wage_arrears', 'collective_incident', 'review_unresolved')"),
    ],
    'rectification_item': [
        ('ck_rectification_item_accepted_dated',
         "status != 'accepted' OR accepted_at IS NOT NULL"),
        ('ck_rectification_item_answered',
         "status NOT IN ('submitted', 'accepted', 'returned') OR (measures IS NOT NULL AND submitted_at IS NOT NULL)"),
        ('ck_rectification_item_returned_counted',
         "status != 'returned' OR returned_count >= 1"),
        ('ck_rectification_item_status',
         "status IN ('open', 'submitted', 'accepted', 'returned')"),
    ],
    'escalation_letter': [
        ('ck_escalation_letter_approved_dated',
         "status != 'approved' OR approved_at IS NOT NULL"),
        ('ck_escalation_letter_kind',
         "kind IN ('reminder', 'opinion', 'recommendation')"),
        ('ck_escalation_letter_number_when_issued',
         "number IS NULL OR status = 'issued'"),
        ('ck_escalation_letter_response_dated',
         '(response IS NULL) = (responded_at IS NULL)'),
    ],
    'rectification_event': [
        ('ck_rectification_event_from_status',
         "from_status IN ('open', 'submitted', 'accepted', 'returned')"),
        ('ck_rectification_event_kind',
         "kind IN ('status', 'letter', 'response')"),
        ('ck_rectification_event_to_status',
         "to_status IN ('open', 'submitted', 'accepted', 'returned')"),
    ],
}

REPAIRS = (
    "UPDATE user_account SET enterprise_id = NULL, side = NULL"
    " WHERE role != 'enterprise' AND (enterprise_id IS NOT NULL OR side IS NOT NULL)",
    "UPDATE assessment SET submitted_at = updated_at WHERE status = 'submitted' AND submitted_at IS NULL",
    "UPDATE report_version SET status = 'draft', approved_by_id = NULL"
    " WHERE status = 'approved' AND approved_at IS NULL",
    "UPDATE escalation_letter SET status = 'draft', approved_by_id = NULL"
    " WHERE status = 'approved' AND approved_at IS NULL",
)


def _violations(conn):
    found = []
    for table, rules in RULES.items():
        for name, condition in rules:
            key = KEYS.get(table, 'id')
            ids = [row[0] for row in conn.execute(sa.text(
                f"SELECT {key} FROM {table} WHERE NOT ({condition}) ORDER BY {key} LIMIT 20"))]
            if ids:
                found.append(f"{table} {name} ({condition}): ids {ids}")
    pairs = conn.execute(sa.text(
        f"SELECT campaign_id, enterprise_id FROM assessment WHERE {SELF_WHERE}"
        " GROUP BY campaign_id, enterprise_id HAVING COUNT(*) > 1 ORDER BY campaign_id, enterprise_id LIMIT 20")).all()
    if pairs:
        found.append(f"assessment {SELF_INDEX} (one self-assessment per campaign and enterprise):"
                     f" (campaign_id, enterprise_id) {[tuple(p) for p in pairs]}")
    return found


def upgrade():
    conn = op.get_bind()
    for statement in REPAIRS:
        conn.execute(sa.text(statement))
    found = _violations(conn)
    if found:
        raise RuntimeError("现有数据不符合新的数据库约束，未做任何修改；请先更正以下记录后重新执行 db upgrade"
                           " (rows break the new constraints):\n" + "\n".join(found))
    for table, rules in RULES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in rules:
                batch_op.create_check_constraint(batch_op.f(name), condition)
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f(SELF_INDEX), ['campaign_id', 'enterprise_id'], unique=True,
                              sqlite_where=sa.text(SELF_WHERE), postgresql_where=sa.text(SELF_WHERE))


def downgrade():
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(SELF_INDEX))
    for table, rules in reversed(list(RULES.items())):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition in reversed(rules):
                batch_op.drop_constraint(batch_op.f(name), type_='check')

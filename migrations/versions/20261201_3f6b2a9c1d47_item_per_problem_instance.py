"""one rectification item per problem instance (rule x indicator)

Revision ID: 3f6b2a9c1d47
Revises: 80cacb60a5de
Create Date: 2026-12-01 10:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '3f6b2a9c1d47'
down_revision = '80cacb60a5de'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rectification_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=20), server_default='', nullable=False))
    # existing items tracked one indicator each: that indicator is their subject
    op.execute("UPDATE rectification_item SET subject = COALESCE(indicator, '')")
    with op.batch_alter_table('rectification_item', schema=None) as batch_op:
        batch_op.drop_constraint('uq_rectification_item_report_id_code', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_rectification_item_report_id_code_subject'),
                                          ['report_id', 'code', 'subject'])


def downgrade():
    # one item per code cannot hold two instances of a code: refuse rather than delete tracked items
    twice = op.get_bind().execute(sa.text(
        "SELECT COUNT(*) FROM (SELECT report_id, code FROM rectification_item "
        "GROUP BY report_id, code HAVING COUNT(*) > 1) AS t")).scalar()
    if twice:
        raise RuntimeError(f"{twice} reports track one problem code on several indicators; "
                           "downgrading would lose rectification items")
    with op.batch_alter_table('rectification_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_rectification_item_report_id_code_subject'), type_='unique')
    with op.batch_alter_table('rectification_item', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_rectification_item_report_id_code', ['report_id', 'code'])
        batch_op.drop_column('subject')

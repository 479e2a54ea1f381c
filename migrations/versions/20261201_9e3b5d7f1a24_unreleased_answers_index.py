"""unreleased answers index: a release reads its batch, not the group's whole history

Revision ID: 9e3b5d7f1a24
Revises: 5a1c0e7d9b32
Create Date: 2026-12-01 16:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '9e3b5d7f1a24'
down_revision = '5a1c0e7d9b32'
branch_labels = None
depends_on = None

UNRELEASED = "release_no IS NULL"


def upgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index('ix_submission_unreleased', ['campaign_id', 'enterprise_id', 'audience'], unique=False,
                              sqlite_where=sa.text(UNRELEASED), postgresql_where=sa.text(UNRELEASED))


def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_unreleased', sqlite_where=sa.text(UNRELEASED),
                            postgresql_where=sa.text(UNRELEASED))

"""the burst limit without Redis is counted in the database, shared by every process

``submission_counter`` gains the current minute's window of a link:
``window_tag`` (an HMAC of link and minute under the secret key, never a
time) and ``window_count`` (answers in that minute), bumped in the same
upsert as the day's count.

Revision ID: c4d8e2f1a6b3
Revises: c4d8e2f1a937
Create Date: 2026-12-01 14:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d8e2f1a6b3'
down_revision = 'c4d8e2f1a937'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submission_counter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('window_tag', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('window_count', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('submission_counter', schema=None) as batch_op:
        batch_op.drop_column('window_count')
        batch_op.drop_column('window_tag')

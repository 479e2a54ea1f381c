"""job heartbeat: the last sign of life of a job's runner, so a job a restart interrupted can be told apart

Revision ID: 3f6a2b8c1d47
Revises: 9e3b5d7f1a24
Create Date: 2026-12-01 17:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '3f6a2b8c1d47'
down_revision = '9e3b5d7f1a24'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')

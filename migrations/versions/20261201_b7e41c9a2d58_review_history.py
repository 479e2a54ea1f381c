"""review history (returns with a reason) and evidence request reply deadlines

Revision ID: b7e41c9a2d58
Revises: 3f6b2a9c1d47
Create Date: 2026-12-01 10:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e41c9a2d58'
down_revision = '3f6b2a9c1d47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('object_type', sa.String(length=30), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_review_event_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_review_event_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_event'))
    )
    with op.batch_alter_table('review_event', schema=None) as batch_op:
        batch_op.create_index('ix_review_event_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_event_enterprise_id'), ['enterprise_id'], unique=False)
    with op.batch_alter_table('evidence_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_date', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('evidence_request', schema=None) as batch_op:
        batch_op.drop_column('due_date')
    with op.batch_alter_table('review_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_event_enterprise_id'))
        batch_op.drop_index('ix_review_event_object')
    op.drop_table('review_event')

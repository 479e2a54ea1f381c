"""inbox: a message per recipient and event; an optional e-mail address per account

Revision ID: 5a1c0e7d9b42
Revises: 01ca9dcd2eaa
Create Date: 2026-12-01 14:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '5a1c0e7d9b42'
down_revision = '01ca9dcd2eaa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=True),
        sa.Column('dedupe_key', sa.String(length=120), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['recipient_id'], ['user_account.id'],
                                name=op.f('fk_message_recipient_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message')),
        sa.UniqueConstraint('recipient_id', 'dedupe_key', name=op.f('uq_message_recipient_id_dedupe_key')),
    )
    op.create_index('ix_message_recipient_unread', 'message', ['recipient_id', 'read_at'], unique=False)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('email')
    op.drop_index('ix_message_recipient_unread', table_name='message')
    op.drop_table('message')

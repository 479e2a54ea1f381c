"""letters drafted, approved, then numbered at issue; the plain fact of a detected problem

Revision ID: e6e45bad00a3
Revises: b7e41c9a2d58
Create Date: 2026-12-01 10:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'e6e45bad00a3'
down_revision = 'b7e41c9a2d58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('detected_problem', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fact', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('escalation_letter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='draft', nullable=False))
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('number_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('number_seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('content', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('drafted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('drafted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(), nullable=True))
        batch_op.alter_column('number', existing_type=sa.String(length=60), nullable=True)
        batch_op.alter_column('issued_at', existing_type=sa.Date(), nullable=True)
        batch_op.alter_column('response_deadline', existing_type=sa.Date(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_escalation_letter_drafted_by_id_user_account'), 'user_account',
                                    ['drafted_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_escalation_letter_approved_by_id_user_account'), 'user_account',
                                    ['approved_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_unique_constraint(batch_op.f('uq_escalation_letter_kind_number_year_number_seq'),
                                          ['kind', 'number_year', 'number_seq'])

    # letters made before this revision were numbered and issued in one click
    op.execute("UPDATE escalation_letter SET status = 'issued'")

    with op.batch_alter_table('escalation_letter', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_escalation_letter_status'),
                                         "status IN ('draft', 'approved', 'issued')")
        batch_op.create_check_constraint(batch_op.f('ck_escalation_letter_issued_numbered'),
                                         "status != 'issued' OR (number IS NOT NULL AND issued_at IS NOT NULL"
                                         " AND response_deadline IS NOT NULL)")


def downgrade():
    op.execute("DELETE FROM escalation_letter WHERE status != 'issued'")
    with op.batch_alter_table('escalation_letter', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_escalation_letter_issued_numbered'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_escalation_letter_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_escalation_letter_kind_number_year_number_seq'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_escalation_letter_approved_by_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_escalation_letter_drafted_by_id_user_account'), type_='foreignkey')
        batch_op.alter_column('response_deadline', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('issued_at', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('number', existing_type=sa.String(length=60), nullable=False)
        batch_op.drop_column('approved_at')
        batch_op.drop_column('approved_by_id')
        batch_op.drop_column('drafted_at')
        batch_op.drop_column('drafted_by_id')
        batch_op.drop_column('content')
        batch_op.drop_column('number_seq')
        batch_op.drop_column('number_year')
        batch_op.drop_column('revision')
        batch_op.drop_column('status')

    with op.batch_alter_table('detected_problem', schema=None) as batch_op:
        batch_op.drop_column('fact')

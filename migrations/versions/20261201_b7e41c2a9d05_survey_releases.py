"""survey releases replace the live survey aggregates

Published survey figures move only in releases of at least 5 new answers:
``survey_release`` keeps each release's cumulative counts, and
``submission.release_no`` says which release published an answer. The
lazily refreshed ``survey_aggregate`` table (live figures) is dropped; the
first page view or ``flask survey-release`` makes the first releases from the
answers already stored.

Revision ID: b7e41c2a9d05
Revises: e6e45bad00a3
Create Date: 2026-12-01 10:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e41c2a9d05'
down_revision = 'e6e45bad00a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('released_on', sa.Date(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.CheckConstraint('number >= 1 AND answers >= 1', name=op.f('ck_survey_release_positive')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_survey_release_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_survey_release_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_release')),
    sa.UniqueConstraint('campaign_id', 'enterprise_id', 'audience', 'number', name=op.f('uq_survey_release_campaign_id_enterprise_id_audience_number'))
    )
    op.create_index('ix_survey_release_scope', 'survey_release', ['campaign_id', 'enterprise_id', 'audience'], unique=False)
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('release_no', sa.Integer(), nullable=True))
    op.drop_table('survey_aggregate')


def downgrade():
    op.create_table('survey_aggregate',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('definition_hash', sa.String(length=64), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('computed_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_survey_aggregate_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_survey_aggregate_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'enterprise_id', 'audience', 'definition_hash', name=op.f('pk_survey_aggregate'))
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_column('release_no')
    op.drop_index('ix_survey_release_scope', table_name='survey_release')
    op.drop_table('survey_release')

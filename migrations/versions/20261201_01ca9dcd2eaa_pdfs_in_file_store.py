"""report and letter PDFs move from LargeBinary columns into the file store, keyed by SHA-256

Every stored PDF is put into the configured file store (``STORAGE_URL``, see evalsite/storage.py: the
app's when run by ``flask db upgrade``, else built from the environment); a report version keeps its
``sha256`` (filled if it was missing), a letter gets ``pdf_sha256``; then the binary columns go.
Downgrading reads the bytes back from the store into the restored columns.

Revision ID: 01ca9dcd2eaa
Revises: c4d8e2f1a6b3
Create Date: 2026-12-01 13:35:00
"""
import logging
import os

from alembic import op
import sqlalchemy as sa


revision = '01ca9dcd2eaa'
down_revision = 'c4d8e2f1a6b3'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


class _Store:
    """The file store, built only when a row has bytes to move (an empty database needs none)."""

    def __init__(self):
        self._storage = None

    def __call__(self):
        if self._storage is None:
            from flask import has_app_context

            from evalsite.storage import current_storage, storage_from_settings

            if has_app_context():
                self._storage = current_storage()
            else:
                from evalsite.config import from_env

                root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
                self._storage = storage_from_settings(from_env(os.path.join(root, "instance")))
        return self._storage


def upgrade():
    _storage = _Store()
    with op.batch_alter_table('escalation_letter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf_sha256', sa.String(length=64), nullable=True))

    conn = op.get_bind()
    version_ids = conn.execute(sa.text("SELECT id FROM report_version WHERE pdf IS NOT NULL ORDER BY id")).scalars().all()
    for vid in version_ids:  # one row at a time: a PDF is a few hundred KB
        pdf, sha = conn.execute(sa.text("SELECT pdf, sha256 FROM report_version WHERE id = :id"), {"id": vid}).one()
        key = _storage().put(bytes(pdf))
        if sha is None:
            conn.execute(sa.text("UPDATE report_version SET sha256 = :k WHERE id = :id"), {"k": key, "id": vid})
        elif sha != key:
            log.warning("report_version %s: stored sha256 %s is not the hash of its PDF (%s); kept both", vid, sha, key)
    letter_ids = conn.execute(sa.text("SELECT id FROM escalation_letter WHERE pdf IS NOT NULL ORDER BY id")).scalars().all()
    for lid in letter_ids:
        pdf = conn.execute(sa.text("SELECT pdf FROM escalation_letter WHERE id = :id"), {"id": lid}).scalar_one()
        conn.execute(sa.text("UPDATE escalation_letter SET pdf_sha256 = :k WHERE id = :id"),
                     {"k": _storage().put(bytes(pdf)), "id": lid})
    if version_ids or letter_ids:
        log.info("moved %d report and %d letter PDFs into the file store", len(version_ids), len(letter_ids))

    with op.batch_alter_table('report_version', schema=None) as batch_op:
        batch_op.drop_column('pdf')
    with op.batch_alter_table('escalation_letter', schema=None) as batch_op:
        batch_op.drop_column('pdf')


def downgrade():
    _storage = _Store()
    with op.batch_alter_table('report_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('escalation_letter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf', sa.LargeBinary(), nullable=True))

    from evalsite.storage import StorageMissing

    conn = op.get_bind()
    for table, column in (("report_version", "sha256"), ("escalation_letter", "pdf_sha256")):
        rows = conn.execute(sa.text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")).all()
        for row_id, key in rows:
            try:
                data = _storage().get(key)
            except StorageMissing:
                log.warning("%s %s: PDF %s not in the file store; left empty", table, row_id, key)
                continue
            conn.execute(sa.text(f"UPDATE {table} SET pdf = :d WHERE id = :id").bindparams(
                sa.bindparam("d", type_=sa.LargeBinary())), {"d": data, "id": row_id})

    with op.batch_alter_table('escalation_letter', schema=None) as batch_op:
        batch_op.drop_column('pdf_sha256')

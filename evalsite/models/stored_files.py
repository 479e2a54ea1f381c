"""Every column that holds a key of the file store (the SHA-256 under which ``evalsite/storage.py`` keeps bytes).

``flask storage-gc`` deletes the objects that no value of these columns names, so a column that keeps a
stored file's key must be listed here, or its files would be collected. Name such a column ``sha256``,
``<what>_sha256`` or ``<what>_key``: ``tests/evalsite/test_storage_gc.py`` fails on a column named like
that (or ``*hash``) that is neither listed here nor among the hashes it knows are no files.
"""
from __future__ import annotations

from .evaluations import Evidence
from .jobs import Job
from .reports import EscalationLetter, RectificationEvidence, ReportVersion

FILE_KEY_COLUMNS = (
    Evidence.__table__.c.sha256,
    RectificationEvidence.__table__.c.sha256,
    ReportVersion.__table__.c.sha256,  # the issued PDF
    EscalationLetter.__table__.c.pdf_sha256,  # the issued letter
    Job.__table__.c.result_key,  # a batch's file, until it expires (evalsite/storage_gc.py)
)

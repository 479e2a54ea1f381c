"""All models, imported here so the metadata is complete for Alembic."""
from .audit import AuditEntry  # noqa: F401
from .campaigns import Campaign, Enrolment  # noqa: F401
from .contracts import BargainingMeeting, CollectiveContract, ContractCoverage  # noqa: F401
from .evaluations import ConflictDeclaration, EvaluatorAssignment  # noqa: F401
from .orgs import Enterprise, Industry, ReportingUnit  # noqa: F401
from .users import User  # noqa: F401

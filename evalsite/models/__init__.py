"""All models, imported here so the metadata is complete for Alembic."""
from .audit import AuditEntry  # noqa: F401
from .campaigns import Campaign, Enrolment  # noqa: F401
from .contracts import BargainingMeeting, CollectiveContract, ContractCoverage  # noqa: F401
from .evaluations import (Assessment, AssessmentItem, ConflictDeclaration, DetectedProblem,  # noqa: F401
                          EvaluationResult, EvaluatorAssignment, Evidence, EvidenceRequest,
                          IndicatorSystemRecord, VetoEvent)
from .messages import Message  # noqa: F401
from .orgs import Enterprise, Industry, ReportingUnit  # noqa: F401
from .reports import (EscalationLetter, RectificationEvent, RectificationEvidence,  # noqa: F401
                      RectificationItem, Report, ReportVersion)
from .jobs import Job  # noqa: F401
from .reviews import ReviewEvent  # noqa: F401
from .users import RecoveryCode, User, UserSession  # noqa: F401
from .surveys import (BallotCode, SubmissionCounter, Submission, SurveyRelease, SurveyDefinition,  # noqa: F401
                      SurveyLink)
from .stored_files import FILE_KEY_COLUMNS  # noqa: F401,E402

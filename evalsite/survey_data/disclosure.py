"""The web side of ``surveys.disclosure``: the policy asked for the logged-in account.

Views never decide what of the survey data they show: they ask
:func:`grant_for` / :func:`require_for` and pass the grant on to the result
services, which leave out what it does not allow. A refusal is a 403 with the
policy's Chinese reason, never an empty file.
"""
from __future__ import annotations

from surveys import disclosure

from ..errors import abort_zh

Grant = disclosure.Grant


def viewer_of(user) -> str:
    try:
        return disclosure.viewer_for(user.role, getattr(user, "side", None))
    except disclosure.Refused as exc:
        abort_zh(403, exc.message)


def grant_for(user, audience: str) -> Grant:
    return disclosure.grant(viewer_of(user), audience)


def grants_for(user) -> dict[str, Grant]:
    """audience → grant, for a page showing both questionnaires."""
    return {audience: grant_for(user, audience) for audience in disclosure.AUDIENCES}


def require_for(user, audience: str, action: str) -> Grant:
    """The grant, or abort with 403 and the policy's reason."""
    try:
        return disclosure.require(viewer_of(user), audience, action)
    except disclosure.Refused as exc:
        abort_zh(403, exc.message)


def can_manage(user, enterprise) -> bool:
    """Links and posters of some questionnaire: the city, the enterprise's district, the enterprise itself."""
    return (user.role == "city_admin" or (user.role == "district_admin" and enterprise.unit_id == user.unit_id)
            or (user.role == "enterprise" and enterprise.id == user.enterprise_id))


def runs_link(user, enterprise, audience: str) -> bool:
    """Whether the account runs this questionnaire's link (the policy's ``run_link``): used by pages and batches."""
    return can_manage(user, enterprise) and grant_for(user, audience).run_link


def run_link_refusal(user, audience: str) -> str:
    """Why the account does not run this questionnaire's link (Chinese)."""
    try:
        return disclosure.reason(viewer_of(user), audience, "run_link")
    except disclosure.Refused as exc:
        return exc.message


def operator_grant(audience: str) -> Grant:
    """Command-line tools run with the server's own rights, those of the city administration."""
    return disclosure.grant("city_admin", audience)


def document_grant(audience: str) -> Grant:
    """What a document sent to an enterprise (a report PDF) may print: what its management side may see."""
    return disclosure.grant("management", audience)

"""The one error type of the platform: a Chinese message, an HTTP status, optional field errors.

Services and helpers raise a subclass when the request cannot be carried out (bad input, a state
that forbids the step, a person who may not take it, a file too large); nothing imports Flask
here, so any module may raise them. One handler (``evalsite/errors.py``) turns an uncaught one
into the Chinese error page (or JSON when the request asks for JSON) with its status, and the
request's transaction is rolled back (``evalsite/transaction.py``). A form view that shows the
messages next to its fields catches the error and re-renders (``errors.field_errors``).
"""
from __future__ import annotations

from typing import Mapping, Optional


class DomainError(Exception):
    """``message`` is shown to the user (Chinese); ``fields`` maps a field name ('' for the form) to a message."""

    status = 400

    def __init__(self, message: str = "", *, fields: Optional[Mapping[str, str]] = None,
                 status: Optional[int] = None):
        self.fields = dict(fields or {})
        self.message = message or "；".join(m for m in self.fields.values() if m)
        if status is not None:
            self.status = status
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class Invalid(DomainError):
    """Bad input (400)."""

    status = 400


class Forbidden(DomainError):
    """This person may not do this (403)."""

    status = 403


class NotFound(DomainError):
    """The object does not exist, or is not named that way (404)."""

    status = 404


class Conflict(DomainError):
    """The object's state forbids the step (409): locked, already issued, changed meanwhile..."""

    status = 409


class Gone(DomainError):
    """The link or object existed but is no longer valid (410)."""

    status = 410


class TooLarge(DomainError):
    """An upload or a request body over the limit (413)."""

    status = 413


def error(status: int, message: str) -> DomainError:
    """The subclass for an HTTP status (``DomainError`` with that status when there is none)."""
    for cls in (Invalid, Forbidden, NotFound, Conflict, Gone, TooLarge):
        if cls.status == status:
            return cls(message)
    return DomainError(message, status=status)

"""Route × role matrix: every route, every role, the expected answer.

Each area writes ``tests/evalsite/test_access_<area>.py`` with a list
``ROUTES`` of ``Case`` rows and a test calling ``assert_matrix``.
``test_access_coverage.py`` fails when a URL rule of the app appears in no
``ROUTES`` list, so a new page cannot ship without its refusals tested.

Roles, as the foundation issue names them: anonymous, enterprise A (union
side), enterprise B, the district admin of ANOTHER district than enterprise
A's, the evaluator assigned to A, the city admin.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Union

from tests.conftest import login

ROLES = ("anon", "ent_a", "ent_b", "district_other", "evaluator", "city")
OK = (200,)
REDIRECT = (302, 303)
LOGIN = "login"  # anonymous: redirected to the login page
Expect = Union[int, tuple, str]


@dataclass
class Case:
    endpoint: str  # Flask endpoint, e.g. "registry.enterprise_detail"
    url: Callable  # world -> URL (ids taken from the world fixture: always enterprise A's objects)
    expect: dict  # role -> expected status (int, tuple of ints, or LOGIN)
    method: str = "GET"
    data: Callable | None = None  # world -> form data for POST
    setup: Callable | None = None  # (world, session) -> None, run before each role
    note: str = ""
    label: str = field(default="")


def user_for(world, role):
    return {
        "anon": None,
        "ent_a": world.ent_a_union,
        "ent_b": world.ent_b_union,
        "district_other": world.district_b,
        "evaluator": world.evaluator,
        "city": world.city,
    }[role]


def _matches(status: int, location: str, expected: Expect) -> bool:
    if expected == LOGIN:
        return status in REDIRECT and "/login" in location
    if isinstance(expected, int):
        return status == expected
    return status in expected


def assert_matrix(app, world, session, cases: list[Case]) -> None:
    failures = []
    for case in cases:
        for role in ROLES:
            if role not in case.expect:
                continue
            if case.setup:
                case.setup(world, session)
            client = app.test_client()
            user = user_for(world, role)
            if user is not None:
                login(client, user)
            url = case.url(world)
            data = case.data(world) if case.data else None
            resp = client.open(url, method=case.method, data=data)
            expected = case.expect[role]
            if not _matches(resp.status_code, resp.headers.get("Location", ""), expected):
                failures.append(f"{case.method} {url} as {role}: got {resp.status_code}, expected {expected}")
            if resp.status_code >= 500:
                failures.append(f"{case.method} {url} as {role}: server error")
    assert failures == [], "\n".join(failures)


def all_cases() -> list[Case]:
    """Every Case of every tests/evalsite/test_access_*.py module."""
    import importlib
    import pkgutil

    import tests.evalsite as pkg

    cases = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("test_access_") and info.name != "test_access_coverage":
            cases.extend(getattr(importlib.import_module(f"tests.evalsite.{info.name}"), "ROUTES", []))
    return cases


def markdown_table() -> str:
    """The route × role table for the docs and the closing note."""

    def show(value):
        if value is None:
            return ""
        if value == LOGIN:
            return "login"
        if isinstance(value, tuple):
            return "/".join(str(v) for v in value)
        return str(value)

    lines = ["| method | endpoint | " + " | ".join(ROLES) + " |", "|---|---|" + "---|" * len(ROLES)]
    for case in all_cases():
        lines.append(f"| {case.method} | {case.endpoint} | " + " | ".join(show(case.expect.get(r)) for r in ROLES) + " |")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m tests.evalsite.access_matrix
    print(markdown_table())

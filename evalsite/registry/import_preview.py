"""What an import would do, row by row: the preview both imports show and confirm from.

A row is checked into values and Chinese errors, then classified against what
is stored: create, update (with every change as old → new) or unchanged.
Changes that need an explicit tick (an enterprise renamed or moved to another
district) are applied only when the row's key is among the ticked ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ACTION_LABELS = {"create": "新增", "update": "更新", "unchanged": "无变化"}


@dataclass
class Change:
    label: str
    old: str
    new: str
    needs_tick: bool = False


@dataclass
class RowCheck:
    line: int
    raw: dict
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    action: str = ""  # create | update | unchanged (rows without errors)
    target_id: int | None = None  # the stored object an update changes
    key: str = ""  # what a tick names (the enterprise's credit code, the contract's row key)
    changes: list[Change] = field(default_factory=list)

    @property
    def needs_tick(self) -> bool:
        return any(c.needs_tick for c in self.changes)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, "")

    # the registry's templates and views name the enterprise by this
    @property
    def enterprise_id(self) -> int | None:
        return self.target_id


@dataclass
class Preview:
    rows: list[RowCheck]
    warnings: list[str] = field(default_factory=list)
    accepted: frozenset[str] = frozenset()  # keys of ticked rows (at confirmation)
    noun: str = "家"

    @property
    def bad_rows(self) -> list[RowCheck]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.bad_rows

    def held(self, row: RowCheck) -> bool:
        """An update that needs a tick and did not get one: not applied."""
        return not row.errors and row.action == "update" and row.needs_tick and row.key not in self.accepted

    @property
    def to_write(self) -> list[RowCheck]:
        return [r for r in self.rows if not r.errors and r.action in ("create", "update") and not self.held(r)]

    @property
    def needing_tick(self) -> list[RowCheck]:
        return [r for r in self.rows if not r.errors and r.action == "update" and r.needs_tick]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if not r.errors and r.action == action and not self.held(r))

    @property
    def counts(self) -> dict:
        return {"created": self.count("create"), "updated": self.count("update"),
                "unchanged": self.count("unchanged"), "errors": len(self.bad_rows),
                "held": sum(1 for r in self.rows if self.held(r))}

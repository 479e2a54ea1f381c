"""Four eyes (四眼原则): the drafter does not approve, the approver does not issue alone.

Used by report versions and letters. Two settings (app config, or the
environment variable of the same name when the config does not set it):

- ``FOUR_EYES`` (default on): whoever drafted a version cannot approve it,
  and whoever approved it cannot also be the one who issues it;
- ``FOUR_EYES_APPROVER_MAY_ISSUE`` (default off): when on, the approver may
  issue what they approved (the drafter still cannot approve).

A check that refuses raises ``FourEyesRefused``: its message explains the rule
in Chinese and its ``status`` is the HTTP answer (403: this person may not do
this step; another person may). Unknown people (``None``: a system or CLI
step) are never refused: the rule compares two known accounts.
"""
from __future__ import annotations

import os
from typing import Mapping, Optional

from .domain_errors import Forbidden

DEFAULTS = {"FOUR_EYES": True, "FOUR_EYES_APPROVER_MAY_ISSUE": False}
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}

APPROVE_RULE = ("按照“四眼原则”，起草人不能审核自己起草的内容：本版本由您起草，"
                "请由本辖区的另一位管理员（或市级管理员）审核。")
ISSUE_RULE = ("按照“四眼原则”，审核人不能独自出具自己审核通过的内容：本版本由您审核通过，"
              "请由另一位管理员出具（起草人可以出具）。")


class FourEyesRefused(Forbidden):
    """This person may not take this step of this object; another person may (403, audited as a refusal)."""


def _config() -> Mapping:
    try:
        from flask import current_app

        return current_app.config
    except RuntimeError:  # outside an app context: environment and defaults only
        return {}


def setting(name: str, config: Optional[Mapping] = None) -> bool:
    """A boolean setting: the app config first, then the environment, then the default."""
    config = _config() if config is None else config
    value = config.get(name)
    if value is None:
        value = os.environ.get(name)
    if value is None:
        return DEFAULTS[name]
    if isinstance(value, str):
        text = value.strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        return DEFAULTS[name]
    return bool(value)


def enabled(config: Optional[Mapping] = None) -> bool:
    return setting("FOUR_EYES", config)


def approver_may_issue(config: Optional[Mapping] = None) -> bool:
    return setting("FOUR_EYES_APPROVER_MAY_ISSUE", config)


def may_approve(drafted_by_id: Optional[int], user_id: Optional[int], config: Optional[Mapping] = None) -> bool:
    if not enabled(config) or drafted_by_id is None or user_id is None:
        return True
    return drafted_by_id != user_id


def may_issue(approved_by_id: Optional[int], user_id: Optional[int], config: Optional[Mapping] = None) -> bool:
    if not enabled(config) or approver_may_issue(config) or approved_by_id is None or user_id is None:
        return True
    return approved_by_id != user_id


def check_can_approve(drafted_by_id: Optional[int], user_id: Optional[int],
                      config: Optional[Mapping] = None) -> None:
    """Raise FourEyesRefused when the user drafted what they are about to approve."""
    if not may_approve(drafted_by_id, user_id, config):
        raise FourEyesRefused(APPROVE_RULE)


def check_can_issue(approved_by_id: Optional[int], user_id: Optional[int],
                    config: Optional[Mapping] = None) -> None:
    """Raise FourEyesRefused when the user approved what they are about to issue (unless relaxed)."""
    if not may_issue(approved_by_id, user_id, config):
        raise FourEyesRefused(ISSUE_RULE)

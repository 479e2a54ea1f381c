"""Privacy thresholds and sampling defaults, read from ``settings.yaml``.

They are [P] values (proposed, not official), so they live in data that a city
can change without a code change.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
import math
from functools import lru_cache
from pathlib import Path

import yaml

SETTINGS_PATH = Path(__file__).parent / "settings.yaml"


@dataclass(frozen=True)
class Settings:
    min_group_size: int = 5
    min_text_group: int = 10
    release_step: int = 5
    k_anonymity: int = 5
    confidence: float = 0.95
    margin: float = 0.05
    min_sample: int = 30
    employer_min_sample: int = 5
    daily_cap_per_head: int = 3
    daily_cap_min: int = 200
    burst_per_head: float = 0.1
    burst_min: int = 30


def parse_settings(text: str, source: str = "settings.yaml") -> Settings:
    """Flatten the ``privacy``, ``sampling`` and ``stuffing`` blocks; unknown keys are errors."""
    data = yaml.safe_load(text) or {}
    known = {f.name: f.type for f in fields(Settings)}
    values = {}
    for block in ("privacy", "sampling", "stuffing"):
        for key, value in (data.get(block) or {}).items():
            if key not in known:
                raise ValueError(f"{source}：未知设置 '{block}.{key}'")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"{source}：设置 '{block}.{key}' 必须是正数")
            if known[key] == "int" and not isinstance(value, int):
                raise ValueError(f"{source}：设置 '{block}.{key}' 必须是整数")
            values[key] = value
    settings = Settings(**values)
    if not 0 < settings.confidence < 1 or not 0 < settings.margin < 1:
        raise ValueError(f"{source}：confidence 和 margin 必须在0和1之间")
    if settings.burst_min > settings.daily_cap_min or settings.burst_per_head > settings.daily_cap_per_head:
        raise ValueError(f"{source}：每分钟上限（stuffing.burst_*）不能大于每天上限（stuffing.daily_cap_*）")
    return settings


def daily_cap(settings: Settings, headcount: int) -> int:
    """Answers a link accepts a day: generous, since a whole shift may answer on one day."""
    return max(settings.daily_cap_min, settings.daily_cap_per_head * headcount)


def burst_limit(settings: Settings, day_cap: int) -> int:
    """Answers a link accepts within one minute (a room of workers scanning the poster together fits).

    The same share of the day's cap as ``burst_per_head`` is of ``daily_cap_per_head``
    (a tenth of the headcount by default), so a link whose cap was raised by hand
    also takes a faster burst; never below ``burst_min``.
    """
    return max(settings.burst_min, math.ceil(day_cap * settings.burst_per_head / settings.daily_cap_per_head))


@lru_cache(maxsize=None)
def load_settings(path: str | None = None) -> Settings:
    """The bundled settings (cached); pass ``path`` to read another file."""
    file = Path(path) if path else SETTINGS_PATH
    return parse_settings(file.read_text(encoding="utf-8"), file.name)

"""Small statistics used by the surveys (DOMAIN §8.3).

``scoring.statistics`` imports ``wilson_interval`` and ``required_sample_size``
from here, so keep these names and signatures stable.
"""
from __future__ import annotations

import math

from scipy.stats import norm


def wilson_interval(x: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for x successes in n trials.

    Chosen over the normal approximation because it stays inside [0, 1] and
    behaves at 0 % and 100 %, which small enterprise samples hit often.
    n = 0 gives the uninformative (0.0, 1.0).
    """
    if n < 0 or x < 0 or x > n:
        raise ValueError(f"need 0 <= x <= n, got x={x}, n={n}")
    if n == 0:
        return (0.0, 1.0)
    p = x / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if x == 0 else max(0.0, centre - half)
    high = 1.0 if x == n else min(1.0, centre + half)
    return (low, high)


def required_sample_size(population: int | None, margin: float = 0.05,
                         confidence: float = 0.95, p: float = 0.5) -> int:
    """Cochran's sample size for a proportion with finite-population correction.

    ``n0 = z²·p(1-p)/e²``, ``n = ceil(n0 / (1 + (n0-1)/N))``; ``population``
    None means an infinite population (n = ceil(n0)).
    """
    if not 0 < margin < 1 or not 0 < confidence < 1 or not 0 < p < 1:
        raise ValueError("margin, confidence and p must lie strictly between 0 and 1")
    z = norm.ppf(1 - (1 - confidence) / 2)
    n0 = z * z * p * (1 - p) / (margin * margin)
    if population is None:
        return math.ceil(round(n0, 9))
    if population < 0:
        raise ValueError(f"population must be >= 0, got {population}")
    if population == 0:
        return 0
    # round first so that floating noise (79.0000000001) does not add one
    return math.ceil(round(n0 / (1 + (n0 - 1) / population), 9))

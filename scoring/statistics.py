"""Statistics used in evaluation reports (DOMAIN §8.3), on scipy.

Why a module of its own: reports must show every rate and scale with its
uncertainty (interval, n), and the web layer must not compute statistics.
All functions are pure, take plain sequences and return frozen dataclasses
or tuples; missing values (None / NaN) are dropped, never imputed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import stats as _st

# Wilson interval and finite-population sample size live in surveys.stats
# (survey rates are computed there); re-exported so reports import one place.
from surveys.stats import required_sample_size, wilson_interval

__all__ = [
    "wilson_interval", "required_sample_size", "clopper_pearson",
    "feldt_interval", "cronbach_alpha", "wilcoxon_paired", "spearman",
    "describe", "AlphaResult", "PairedTest", "Correlation", "Description",
]


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha with its Feldt interval; n = complete respondents, k = items."""
    alpha: float | None
    low: float | None
    high: float | None
    n: int
    k: int


@dataclass(frozen=True)
class PairedTest:
    """Wilcoxon signed-rank test of paired scores (e.g. self vs external)."""
    statistic: float | None
    p_value: float | None
    n: int
    median_difference: float | None
    mean_difference: float | None


@dataclass(frozen=True)
class Correlation:
    """Spearman rank correlation with its two-sided p-value."""
    rho: float | None
    p_value: float | None
    n: int


@dataclass(frozen=True)
class Description:
    """Plain descriptive statistics; sd is the sample sd (n − 1)."""
    n: int
    mean: float | None
    sd: float | None
    median: float | None
    min: float | None
    max: float | None


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _clean(values: Sequence) -> list[float]:
    return [float(v) for v in values if not _missing(v)]


def _pairs(x: Sequence, y: Sequence) -> tuple[np.ndarray, np.ndarray]:
    if len(x) != len(y):
        raise ValueError("paired samples must have the same length")
    kept = [(float(a), float(b)) for a, b in zip(x, y)
            if not _missing(a) and not _missing(b)]
    if not kept:
        return np.array([]), np.array([])
    a, b = zip(*kept)
    return np.array(a), np.array(b)


def _num(v) -> float | None:
    """numpy scalar → float; NaN (scipy's 'undefined') → None."""
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else f


def clopper_pearson(x: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact binomial interval: conservative, used for small n and x = 0 or n."""
    if n <= 0 or not 0 <= x <= n:
        raise ValueError("need 0 <= x <= n and n > 0")
    g = 1.0 - confidence
    low = 0.0 if x == 0 else float(_st.beta.ppf(g / 2, x, n - x + 1))
    high = 1.0 if x == n else float(_st.beta.ppf(1 - g / 2, x + 1, n - x))
    return low, high


def feldt_interval(alpha: float, n: int, k: int,
                   confidence: float = 0.95) -> tuple[float, float]:
    """Feldt, Woodruff & Salih (1987) formulas 6–7: (1−α)/(1−α̂) ~ F(n−1, (n−1)(k−1))."""
    if n < 2 or k < 2:
        raise ValueError("need n >= 2 respondents and k >= 2 items")
    g = 1.0 - confidence
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1.0 - (1.0 - alpha) * float(_st.f.ppf(1 - g / 2, df1, df2))
    high = 1.0 - (1.0 - alpha) * float(_st.f.ppf(g / 2, df1, df2))
    return low, high


def cronbach_alpha(items: Sequence[Sequence], confidence: float = 0.95) -> AlphaResult:
    """α = k/(k−1)·(1 − Σ var(item)/var(total)) over complete rows (respondents × items).

    Rows with any missing answer are dropped (listwise), as the formula needs
    one covariance matrix. α is None when n < 2 or the total has no variance.
    """
    rows = [list(r) for r in items]
    k = len(rows[0]) if rows else 0
    if any(len(r) != k for r in rows):
        raise ValueError("every respondent needs the same number of items")
    complete = [[float(v) for v in r] for r in rows if not any(_missing(v) for v in r)]
    n = len(complete)
    if k < 2 or n < 2:
        return AlphaResult(None, None, None, n, k)
    m = np.array(complete)
    total_var = m.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return AlphaResult(None, None, None, n, k)
    alpha = k / (k - 1) * (1.0 - m.var(axis=0, ddof=1).sum() / total_var)
    low, high = feldt_interval(float(alpha), n, k, confidence)
    return AlphaResult(float(alpha), low, high, n, k)


def wilcoxon_paired(x: Sequence, y: Sequence) -> PairedTest:
    """Signed-rank test on x − y; zero differences dropped (Wilcoxon's method).

    Exact p where scipy can (small n, no ties or zeros), normal approximation
    otherwise. With fewer than two pairs, or all differences zero, the test
    values are None; the descriptive differences are still reported.
    """
    a, b = _pairs(x, y)
    d = a - b
    n = int(d.size)
    med = float(np.median(d)) if n else None
    mean = float(np.mean(d)) if n else None
    if n < 2 or not np.any(d != 0):
        return PairedTest(None, None, n, med, mean)
    res = _st.wilcoxon(d, zero_method="wilcox")
    return PairedTest(_num(res.statistic), _num(res.pvalue), n, med, mean)


def spearman(x: Sequence, y: Sequence) -> Correlation:
    """Spearman's ρ (ties get mid-ranks); None when n < 3 or a variable is constant."""
    a, b = _pairs(x, y)
    n = int(a.size)
    if n < 3 or np.all(a == a[0]) or np.all(b == b[0]):
        return Correlation(None, None, n)
    res = _st.spearmanr(a, b)
    return Correlation(_num(res.statistic), _num(res.pvalue), n)


def describe(values: Sequence) -> Description:
    """n, mean, sample sd, median, min, max of the non-missing values."""
    v = np.array(_clean(values))
    n = int(v.size)
    if n == 0:
        return Description(0, None, None, None, None, None)
    sd = float(v.std(ddof=1)) if n > 1 else None
    return Description(n, float(v.mean()), sd, float(np.median(v)),
                       float(v.min()), float(v.max()))

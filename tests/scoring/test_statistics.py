"""scoring.statistics against published or hand-derived reference values."""
import math

import pytest

from scoring import statistics as st


def test_wilson_is_reexported_from_surveys_and_matches_published_interval():
    import surveys.stats
    assert st.wilson_interval is surveys.stats.wilson_interval
    assert st.required_sample_size is surveys.stats.required_sample_size
    low, high = st.wilson_interval(5, 10)
    assert (low, high) == pytest.approx((0.2366, 0.7634), abs=1e-4)


def test_required_sample_size_matches_domain_table():
    # DOMAIN §4.5 / §8.3: 95 %, ±5 % → 80 of 100, 278 of 1,000.
    assert st.required_sample_size(100) == 80
    assert st.required_sample_size(1000) == 278


@pytest.mark.parametrize("x,n,expected", [
    (5, 10, (0.1871, 0.8129)),   # published exact binomial interval
    (0, 10, (0.0, 0.3085)),      # upper = 1 − 0.025**(1/10)
    (10, 10, (0.6915, 1.0)),     # mirror image of x = 0
])
def test_clopper_pearson_published_values(x, n, expected):
    assert st.clopper_pearson(x, n) == pytest.approx(expected, abs=1e-4)


def test_clopper_pearson_zero_upper_has_closed_form():
    assert st.clopper_pearson(0, 10)[1] == pytest.approx(1 - 0.025 ** 0.1, abs=1e-12)


def test_clopper_pearson_rejects_impossible_counts():
    with pytest.raises(ValueError):
        st.clopper_pearson(11, 10)
    with pytest.raises(ValueError):
        st.clopper_pearson(0, 0)


def test_cronbach_alpha_hand_computed_5x3():
    # item variances 2.5, 1.3, 1.3 (Σ 5.1); totals 5,8,10,13,14 → var 13.5
    # α = 3/2 · (1 − 5.1/13.5) = 14/15
    items = [[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 4], [5, 4, 5]]
    res = st.cronbach_alpha(items)
    assert res.alpha == pytest.approx(14 / 15, abs=1e-12)
    assert (res.n, res.k) == (5, 3)
    assert res.low < res.alpha < res.high <= 1


def test_cronbach_alpha_drops_incomplete_rows():
    items = [[1, 2, 2], [2, 3, 3], [3, None, 4], [3, 3, 4], [4, 5, 4],
             [5, 4, 5], [float("nan"), 1, 1]]
    res = st.cronbach_alpha(items)
    assert res.n == 5
    assert res.alpha == pytest.approx(14 / 15, abs=1e-12)


def test_cronbach_alpha_undefined_cases_give_none():
    assert st.cronbach_alpha([[1, 2, 3]]).alpha is None          # n = 1
    assert st.cronbach_alpha([[2, 2], [2, 2], [2, 2]]).alpha is None  # no variance
    assert st.cronbach_alpha([]).alpha is None


def test_feldt_interval_matches_published_example():
    # Chris Evans' R function (MRC CBU stats wiki, "cafun"):
    # feldt1.return(0.913, 873, 20, 0.95) → 0.9044024, 0.9211588
    assert st.feldt_interval(0.913, 873, 20) == pytest.approx(
        (0.9044024, 0.9211588), abs=1e-7)


def test_feldt_interval_alpha_080_n100_k10():
    # Feldt et al. (1987) formulas 6–7 give (0.736, 0.854) here; the often
    # quoted (0.739, 0.852) does not follow from F(99, 891) and was rejected.
    low, high = st.feldt_interval(0.80, 100, 10)
    assert (low, high) == pytest.approx((0.736, 0.854), abs=1e-3)


# Darwin's Zea mays data as analysed in the scipy docs / Siegel:
# differences with two-sided exact p = 0.0413 and T = 24.
DARWIN_D = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]


def test_wilcoxon_paired_classic_example():
    x = [100 + d for d in DARWIN_D]
    y = [100] * len(DARWIN_D)
    res = st.wilcoxon_paired(x, y)
    assert res.statistic == 24
    assert res.p_value == pytest.approx(0.041259765625, abs=1e-9)
    assert res.n == 15
    assert res.median_difference == 24
    assert res.mean_difference == pytest.approx(314 / 15)


def test_wilcoxon_paired_zero_differences_dropped_normal_approximation():
    d = DARWIN_D + [0, 0]
    res = st.wilcoxon_paired([100 + v for v in d], [100] * len(d))
    assert res.statistic == 24          # zeros dropped before ranking
    assert res.n == 17                  # pairs reported, zeros included
    # n' = 15: E[T] = 60, Var[T] = 15·16·31/24 = 310, no continuity correction
    z = (24 - 60) / math.sqrt(310)
    assert res.p_value == pytest.approx(math.erfc(-z / math.sqrt(2)), abs=1e-9)


def test_wilcoxon_paired_degenerate_inputs():
    one = st.wilcoxon_paired([3], [1])
    assert (one.statistic, one.p_value, one.n) == (None, None, 1)
    assert one.mean_difference == 2
    same = st.wilcoxon_paired([1, 2, 3], [1, 2, 3])
    assert (same.statistic, same.p_value) == (None, None)
    empty = st.wilcoxon_paired([None], [1])
    assert empty == st.PairedTest(None, None, 0, None, None)
    with pytest.raises(ValueError):
        st.wilcoxon_paired([1, 2], [1])


def test_spearman_textbook_iq_tv_example():
    # Σd² = 194 → ρ = 1 − 6·194/(10·99) = −29/165; published p = 0.627188
    x = [106, 86, 100, 101, 99, 103, 97, 113, 112, 110]
    y = [7, 0, 27, 50, 28, 29, 20, 12, 6, 17]
    res = st.spearman(x, y)
    assert res.rho == pytest.approx(-29 / 165, abs=1e-12)
    assert res.p_value == pytest.approx(0.627188, abs=1e-6)
    assert res.n == 10


def test_spearman_drops_missing_and_handles_degenerate():
    res = st.spearman([1, 2, None, 3, 4], [2, 4, 5, 6, 8])
    assert res.n == 4 and res.rho == pytest.approx(1.0)
    assert st.spearman([1, 2], [1, 2]).rho is None
    assert st.spearman([1, 1, 1], [1, 2, 3]) == st.Correlation(None, None, 3)


def test_describe_hand_computed():
    res = st.describe([2, 4, 4, 4, 5, 5, 7, 9, None])
    # mean 5, Σ(x−5)² = 32, sample var 32/7
    assert res == st.Description(8, 5.0, pytest.approx(math.sqrt(32 / 7)), 4.5, 2.0, 9.0)
    assert st.describe([]) == st.Description(0, None, None, None, None, None)
    assert st.describe([3]).sd is None

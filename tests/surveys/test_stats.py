"""Wilson intervals and sample sizes against the reference values of DOMAIN §4.5/§8.3."""
import pytest

from surveys import load_settings, required_sample, required_sample_size, sample_status, wilson_interval
from surveys.settings import Settings, parse_settings


@pytest.mark.parametrize("x, n, low, high", [
    (81, 263, 0.2553, 0.3662),
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    (3, 5, 0.2307, 0.8824),
    (1, 2, 0.0945, 0.9055),
])
def test_wilson_reference_values(x, n, low, high):
    got = wilson_interval(x, n)
    assert got == pytest.approx((low, high), abs=1e-4)


def test_wilson_edges():
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0
    low, high = wilson_interval(50, 100, z=2.576)  # 99 %: wider than the 95 % interval
    assert low < wilson_interval(50, 100)[0] and high > wilson_interval(50, 100)[1]
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    with pytest.raises(ValueError):
        wilson_interval(-1, 10)


@pytest.mark.parametrize("population, expected", [(100, 80), (300, 169), (500, 218), (1000, 278), (5000, 357)])
def test_sample_size_at_5_percent(population, expected):
    assert required_sample_size(population) == expected


@pytest.mark.parametrize("population, expected", [(150, 59), (500, 81)])
def test_sample_size_at_10_percent(population, expected):
    assert required_sample_size(population, margin=0.10) == expected


def test_sample_size_infinite_and_small_populations():
    assert required_sample_size(None) == 385
    assert required_sample_size(0) == 0
    assert required_sample_size(1) == 1
    assert required_sample_size(1000, confidence=0.99) > 278
    with pytest.raises(ValueError):
        required_sample_size(100, margin=0)


def test_required_sample_applies_minimum_and_caps_at_population():
    assert required_sample(100) == 80
    assert required_sample(5000) == 357
    assert required_sample(40) == 37   # Cochran above the minimum of 30
    assert required_sample(32) == 30   # Cochran gives 30 exactly
    assert required_sample(20) == 20   # the minimum 30 cannot exceed the workforce
    assert required_sample(None) == 385
    assert required_sample(100, Settings(margin=0.10)) == 50
    assert required_sample(100, Settings(min_sample=90)) == 90
    assert required_sample(None, audience="employer") == 5
    assert required_sample(3, audience="employer") == 3


def test_required_sample_for_small_population_uses_minimum():
    # N = 31: Cochran gives 29, below the minimum 30
    assert required_sample_size(31) == 29
    assert required_sample(31) == 30


@pytest.mark.parametrize("responses, population, required, status", [
    (80, 100, 80, "green"),
    (95, 100, 80, "green"),
    (40, 100, 80, "amber"),   # 50 % of required
    (30, 100, 80, "amber"),   # the minimum sample
    (29, 100, 80, "red"),
    (100, 1000, 278, "amber"),
    (138, 1000, 278, "amber"),
    (29, 1000, 278, "red"),
    (20, 20, 20, "green"),
    (10, 20, 20, "amber"),
    (9, 20, 20, "red"),
    (0, 0, 0, "green"),
])
def test_sample_status(responses, population, required, status):
    assert sample_status(responses, population, required) == status


def test_settings_defaults_from_yaml():
    s = load_settings()
    assert (s.min_group_size, s.min_text_group, s.confidence, s.margin, s.min_sample,
            s.employer_min_sample) == (5, 10, 0.95, 0.05, 30, 5)


def test_settings_errors():
    with pytest.raises(ValueError, match="未知设置 'privacy.min_group'"):
        parse_settings("privacy: {min_group: 3}")
    with pytest.raises(ValueError, match="必须是整数"):
        parse_settings("privacy: {min_group_size: 2.5}")
    with pytest.raises(ValueError, match="必须在0和1之间"):
        parse_settings("sampling: {confidence: 95}")
    assert parse_settings("privacy: {min_group_size: 3}").min_group_size == 3

"""Ballot codes read by eye and typed by thumb; the per-link day and minute limits as data."""
from __future__ import annotations

import pytest

from surveys import ballots, load_settings
from surveys.settings import burst_limit, daily_cap, parse_settings


def test_alphabet_has_no_look_alikes():
    for group in ("0OQD", "1IL", "2Z", "5S", "8B", "6G", "UV"):
        assert not set(group) & set(ballots.ALPHABET), group
    assert len(set(ballots.ALPHABET)) == len(ballots.ALPHABET) >= 19


def test_new_codes_use_only_the_alphabet_and_do_not_repeat():
    codes = {ballots.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == ballots.LENGTH and set(c) <= set(ballots.ALPHABET) for c in codes)


@pytest.mark.parametrize("typed", ["acef hjkm", "ACEF-HJKM", "ＡＣＥＦ　ＨＪＫＭ", " acef_hjkm ", "ACEF·HJKM"])
def test_typed_codes_are_read_as_printed(typed):
    assert ballots.normalise(typed) == "ACEFHJKM"
    assert ballots.format_problem(typed) is None


def test_printed_in_two_groups():
    assert ballots.grouped("ACEFHJKM") == "ACEF HJKM"


@pytest.mark.parametrize("typed, words", [
    ("", "请输入"),
    (None, "请输入"),
    ("ACEF HJK", "8位，您输入了7位"),
    ("ACEFHJKMN", "8位，您输入了9位"),
    ("ACEF HJK0", "不会出现“0”"),
    ("ACEFHJKI", "容易看错"),
    ("ACEF#HJK", "只由字母和数字组成"),
    ("作答码ACEF", "只由字母和数字组成"),
    ("A" * 500, "8位"),
])
def test_malformed_codes_get_a_chinese_reason(typed, words):
    assert words in ballots.format_problem(typed)


def test_stuffing_limits_come_from_the_yaml():
    s = load_settings()
    assert (s.daily_cap_per_head, s.daily_cap_min, s.burst_per_head, s.burst_min) == (3, 200, 0.1, 30)
    assert daily_cap(s, 5000) == 15000 and burst_limit(s, daily_cap(s, 5000)) == 500
    assert daily_cap(s, 20) == 200 and burst_limit(s, daily_cap(s, 20)) == 30
    assert burst_limit(s, 1_000_000) == 33334  # a cap raised by hand raises the burst in proportion


def test_stuffing_settings_are_validated_at_load():
    with pytest.raises(ValueError, match="必须是正数"):
        parse_settings("stuffing: {burst_min: 0}")
    with pytest.raises(ValueError, match="必须是整数"):
        parse_settings("stuffing: {burst_min: 2.5}")
    with pytest.raises(ValueError, match="未知设置 'stuffing.burst_per_ip'"):
        parse_settings("stuffing: {burst_per_ip: 5}")
    with pytest.raises(ValueError, match="不能大于每天上限"):
        parse_settings("stuffing: {burst_min: 500, daily_cap_min: 200}")
    assert parse_settings("stuffing: {burst_min: 10}").burst_min == 10

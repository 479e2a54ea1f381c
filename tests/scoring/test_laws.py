"""The articles letters quote (scoring/rules/laws.yaml): numerals, citations, load errors."""
from __future__ import annotations

import pytest

from scoring.laws import LawsError, cn_numeral, default_laws, parse_laws


@pytest.mark.parametrize("n, text", [(1, "一"), (9, "九"), (10, "十"), (19, "十九"), (20, "二十"), (42, "四十二"),
                                     (100, "一百"), (105, "一百零五"), (110, "一百一十"), (256, "二百五十六")])
def test_article_numbers_in_chinese(n, text):
    assert cn_numeral(n) == text


def test_citation_quotes_the_article_text_without_yaml_line_spaces():
    art = default_laws().get("集体合同规定 42")
    assert art.citation == "《集体合同规定》第四十二条"
    assert art.quoted.startswith("《集体合同规定》第四十二条：集体合同或专项集体合同签订或变更后，应当自双方首席代表签字之日起10日内")
    assert " " not in art.text
    assert default_laws().get(" 劳动合同法  56 ").citation == "《中华人民共和国劳动合同法》第五十六条"


def test_cite_keeps_order_and_drops_repeats():
    arts = default_laws().cite(["劳动合同法 56", "集体合同规定 32", "劳动合同法 56"])
    assert [a.ref for a in arts] == ["劳动合同法 56", "集体合同规定 32"]


@pytest.mark.parametrize("text, message", [
    ("laws: {}", "缺少 laws 表"),
    ("laws: {x: {title: 无书名号, articles: {1: 文}}}", "title 应为书名号"),
    ("laws: {x: {title: 《x》, articles: {}}}", "缺少 articles"),
    ("laws: {x: {title: 《x》, articles: {a: 文}}}", "条文序号 'a' 应为正整数"),
    ("laws: {x: {title: 《x》, articles: {3: ''}}}", "第3条：缺少条文内容"),
    ("laws: [", "YAML 解析失败"),
])
def test_bad_laws_file_is_refused_with_its_reason(text, message):
    with pytest.raises(LawsError, match=message):
        parse_laws(text, "l.yaml")


def test_unknown_article_is_refused():
    with pytest.raises(LawsError, match="集体合同规定 99 不在"):
        default_laws().get("集体合同规定 99")

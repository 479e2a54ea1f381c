"""Builders for small questionnaires used across the survey tests."""
import copy

import yaml

from surveys.definition import parse_definition

AGREE = [{"code": c, "label": l} for c, l in
         [("5", "非常同意"), ("4", "比较同意"), ("3", "一般"), ("2", "不太同意"), ("1", "很不同意")]]


def base() -> dict:
    """A valid two-section questionnaire touching every question type."""
    return copy.deepcopy({
        "schema_version": 1,
        "code": "mini",
        "version": "1",
        "audience": "worker",
        "title": "测试问卷",
        "intro": "匿名填写",
        "sections": [
            {"code": "s1", "title": "第一页", "questions": [
                {"code": "Q1", "type": "single", "text": "是否知道", "metric": "AWA",
                 "options": [{"code": "A", "label": "是"}, {"code": "B", "label": "否"}]},
                {"code": "Q2", "type": "multiple", "text": "参与了哪些", "max_choices": 2,
                 "show_if": {"question": "Q1", "in": ["A"]},
                 "options": [{"code": "A", "label": "甲"}, {"code": "B", "label": "乙"},
                             {"code": "C", "label": "丙"},
                             {"code": "H", "label": "没有参与", "exclusive": True}]},
            ]},
            {"code": "s2", "title": "第二页", "questions": [
                {"code": "Q3", "type": "scale5", "text": "是否同意", "options": AGREE},
                {"code": "Q4", "type": "number", "text": "年龄", "min": 0, "max": 100},
                {"code": "Q5", "type": "text", "text": "岗位", "required": False, "max_length": 10},
                {"code": "Q6", "type": "textarea", "text": "建议", "required": False},
            ]},
        ],
        "metrics": {"knows": {"label": "知晓率", "answered": ["Q1"],
                              "count": {"question": "Q1", "in": ["A"]}}},
    })


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def build(data: dict, source: str = "mini.yaml"):
    return parse_definition(dump(data), source)


def question(data: dict, code: str) -> dict:
    for section in data["sections"]:
        for q in section["questions"]:
            if q["code"] == code:
                return q
    raise KeyError(code)

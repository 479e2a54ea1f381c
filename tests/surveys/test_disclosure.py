"""The disclosure policy table: viewer × questionnaire → what may be seen."""
import pytest

from surveys import disclosure
from surveys.settings import Settings

VIEWERS = list(disclosure.VIEWERS)


def allowed(action):
    return {(v, a) for v in VIEWERS for a in disclosure.AUDIENCES if disclosure.grant(v, a).allows(action)}


def test_everybody_sees_aggregates_only_administrators_totals_and_rows():
    everyone = {(v, a) for v in VIEWERS for a in disclosure.AUDIENCES}
    assert allowed("aggregates") == everyone
    admins = {(v, a) for v in ("district_admin", "city_admin") for a in disclosure.AUDIENCES}
    assert allowed("totals") == admins
    assert allowed("rows") == admins


def test_free_text_only_to_the_union_side_and_administrators():
    assert allowed("free_text") == {(v, a) for v in ("union", "district_admin", "city_admin")
                                    for a in disclosure.AUDIENCES}
    with pytest.raises(disclosure.Refused) as refused:
        disclosure.require("management", "worker", "free_text")
    assert "意见原文" in refused.value.message and refused.value.status == 403


def test_each_side_runs_the_link_of_its_own_people():
    assert allowed("run_link") == {("union", "worker"), ("management", "employer"),
                                   *((v, a) for v in ("district_admin", "city_admin") for a in disclosure.AUDIENCES)}
    with pytest.raises(disclosure.Refused) as refused:
        disclosure.require("management", "worker", "run_link")
    assert "职工问卷由本企业工会" in refused.value.message
    with pytest.raises(disclosure.Refused):
        disclosure.require("evaluator", "employer", "run_link")


def test_viewer_of_an_account():
    assert disclosure.viewer_for("enterprise", "union") == "union"
    assert disclosure.viewer_for("enterprise", "management") == "management"
    assert disclosure.viewer_for("enterprise", None) == "management"  # no side: the stricter one
    assert disclosure.viewer_for("city_admin") == "city_admin"
    with pytest.raises(disclosure.Refused):
        disclosure.viewer_for("robot")
    with pytest.raises(ValueError):
        disclosure.grant("union", "nobody")
    with pytest.raises(ValueError):
        disclosure.grant("union", "worker").allows("everything")


def test_thresholds_come_from_the_settings():
    g = disclosure.grant("union", "worker", Settings(min_group_size=7, min_text_group=12, release_step=6, k_anonymity=8))
    assert (g.min_cell, g.min_text, g.release_step, g.k) == (7, 12, 6, 8)
    g = disclosure.grant("union", "worker")
    assert (g.min_cell, g.min_text, g.release_step, g.k) == (5, 10, 5, 5)


def test_release_needs_five_new_answers_and_five_in_all():
    assert not disclosure.release_due(4, 0)
    assert disclosure.release_due(5, 0)
    assert not disclosure.release_due(9, 5)
    assert disclosure.release_due(10, 5) and disclosure.release_due(31, 5)
    assert disclosure.release_due(6, 0, Settings(min_group_size=6, release_step=3))
    assert not disclosure.release_due(5, 0, Settings(min_group_size=6, release_step=3))


def test_notice_is_written_from_the_table():
    notice = disclosure.notice()
    assert len(notice.who_sees) == len(VIEWERS) * 2
    by = {(v, a): text for v, a, text in notice.who_sees}
    management = by[(disclosure.VIEWERS["management"], "职工问卷")]
    assert "看不到意见原文" in management and "看不到任何一份答卷" in management
    assert "可以开启" not in management  # the worker link is run by the union side
    union = by[(disclosure.VIEWERS["union"], "职工问卷")]
    assert "意见原文（答卷满10份" in union and "可以开启、关闭和更换问卷链接" in union
    city = by[(disclosure.VIEWERS["city_admin"], "企业方问卷")]
    assert "逐份数据" in city and "至少5份" in city
    assert any("IP" in s for s in notice.not_stored) and any("不记时刻" in s for s in notice.stored)

"""The disclosure policy: who may see what of the survey answers.

One table decides, for each viewer and each questionnaire (audience), what
may be shown; every page, export, report, chart and command that shows survey
data asks :func:`grant` or :func:`require` and none decides on its own. The
privacy notice the respondents read is generated from the same table
(:func:`notice`), so it cannot drift from what the code does.

Viewers (``viewer_for(role, side)``):

* ``management`` – an enterprise account of the management side (企业方);
  an enterprise account without a side counts as management (the stricter);
* ``union`` – an enterprise account of the union side (职工方 / 企业工会);
* ``evaluator`` – an evaluator, for the enterprises assigned to them;
* ``district_admin`` / ``city_admin`` – union administrators, for their district / the city.

What a viewer may see (the thresholds are read from ``settings.yaml``):

* ``aggregates`` – everybody: the *released* rates and distributions of an
  enterprise (:func:`release_due`), only from ``min_group_size`` answers, with
  cells of fewer people hidden and complemented (:mod:`surveys.suppression`);
* ``totals`` – district and city totals (sums of enterprise releases): administrators;
* ``free_text`` – the union side and administrators only, from
  ``min_text_group`` answers, in an order independent of time, with no date and
  no other answer beside it;
* ``rows`` – de-identified row-level data (no date, no id, random order,
  k-anonymous background answers, free text on its own sheet): administrators only;
* ``run_link`` – open, close, schedule and rotate the link and print its
  poster and ballots: the side whose people answer it (union side: worker
  questionnaire; management side: employer questionnaire) and administrators.

Pure module: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass

from .settings import Settings, load_settings

VIEWERS = {
    "management": "本企业企业方（管理方）账号",
    "union": "本企业工会（职工方）账号",
    "evaluator": "评估人员（仅限分配给他的企业）",
    "district_admin": "区（县）总工会管理员（仅限本区企业）",
    "city_admin": "市总工会管理员",
}
AUDIENCES = {"worker": "职工问卷", "employer": "企业方问卷"}
ACTIONS = ("aggregates", "totals", "free_text", "rows", "run_link")
ADMINS = ("district_admin", "city_admin")
RUNS_LINK = {"worker": "union", "employer": "management"}  # the enterprise side whose people answer


class Refused(Exception):
    """A request the policy refuses; ``message`` is the Chinese reason shown with HTTP 403."""

    status = 403

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Grant:
    """What one viewer may see of one questionnaire, with the thresholds that apply."""
    viewer: str
    audience: str
    aggregates: bool
    totals: bool
    free_text: bool
    rows: bool
    run_link: bool
    min_cell: int
    min_text: int
    release_step: int
    k: int

    def allows(self, action: str) -> bool:
        if action not in ACTIONS:
            raise ValueError(f"unknown disclosure action {action!r}")
        return bool(getattr(self, action))


def viewer_for(role: str, side: str | None = None) -> str:
    """The viewer of an account: its role, and for an enterprise account its side."""
    if role == "enterprise":
        return "union" if side == "union" else "management"
    if role in VIEWERS:
        return role
    raise Refused("该账号的角色不能查看问卷数据。")


def _check(viewer: str, audience: str) -> None:
    if viewer not in VIEWERS:
        raise ValueError(f"unknown viewer {viewer!r}")
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")


def grant(viewer: str, audience: str, settings: Settings | None = None) -> Grant:
    """The policy for one viewer and one questionnaire."""
    _check(viewer, audience)
    s = settings or load_settings()
    admin = viewer in ADMINS
    return Grant(viewer=viewer, audience=audience, aggregates=True, totals=admin,
                 free_text=admin or viewer == "union", rows=admin,
                 run_link=admin or RUNS_LINK[audience] == viewer,
                 min_cell=s.min_group_size, min_text=s.min_text_group, release_step=s.release_step,
                 k=s.k_anonymity)


def reason(viewer: str, audience: str, action: str, settings: Settings | None = None) -> str:
    """Why ``action`` is refused to ``viewer`` (Chinese, for the 403 page)."""
    s = settings or load_settings()
    if action == "totals":
        return "区域和全市的问卷汇总只向市、区总工会管理员显示；企业账号和评估人员只能查看本企业的汇总结果。"
    if action == "free_text":
        return (f"意见原文只向本企业工会（职工方）和市、区总工会管理员显示，且须满{s.min_text_group}份答卷；"
                "企业方账号和评估人员只能看到汇总结果。")
    if action == "rows":
        return ("逐份答卷数据只提供给市、区总工会管理员，并在导出时去除标识；"
                "企业账号和评估人员只能查看汇总结果，不能下载逐份答卷。")
    if action == "run_link":
        if viewer == "evaluator":
            return "评估人员不管理问卷链接。"
        if audience == "worker":
            return ("职工问卷由本企业工会（职工方）和上级工会组织：企业方账号不能开启、关闭、更换职工问卷链接，"
                    "也不能打印其海报和作答码。")
        return "企业方问卷由本企业企业方和上级工会组织：职工方账号不能管理企业方问卷的链接、海报和作答码。"
    return "按问卷信息披露规则，您不能查看此内容。"


def require(viewer: str, audience: str, action: str, settings: Settings | None = None) -> Grant:
    """The grant, or :class:`Refused` with the Chinese reason when ``action`` is not allowed."""
    g = grant(viewer, audience, settings)
    if not g.allows(action):
        raise Refused(reason(viewer, audience, action, settings))
    return g


def release_due(live: int, released: int, settings: Settings | None = None) -> bool:
    """Whether a group's published figures may move: at least ``release_step`` new answers.

    ``released`` is the number of answers of the current release (0 before
    the first). The first release needs ``min_group_size`` answers as well.
    Between releases nothing but the response counter changes, so comparing
    two states of a page reveals a group of at least ``release_step`` answers,
    never one person's.
    """
    s = settings or load_settings()
    return live >= s.min_group_size and live - released >= s.release_step


def table(settings: Settings | None = None) -> list[Grant]:
    """Every grant, viewer by viewer (for the privacy notice and the documentation)."""
    return [grant(v, a, settings) for v in VIEWERS for a in AUDIENCES]


def describe(g: Grant) -> str:
    """What the grant allows, in one Chinese sentence."""
    parts = [f"已发布的汇总比率和各选项分布（有效答卷满{g.min_cell}份才显示，不足{g.min_cell}人的选项不显示）"]
    if g.totals:
        parts.append("本区域或全市的汇总")
    if g.free_text:
        parts.append(f"意见原文（答卷满{g.min_text}份才显示，随机排列，不显示日期，也不与其他答案放在一起）")
    if g.rows:
        parts.append(f"供分析用的逐份数据（去除日期和编号、随机排序，背景信息合并到每种组合至少{g.k}份，"
                     "意见原文单独成表、无法与答卷对应）")
    text = "可以看到：" + "；".join(parts) + "。"
    if not g.free_text:
        text += "看不到意见原文。"
    if not g.rows:
        text += "看不到任何一份答卷。"
    if g.run_link:
        text += "可以开启、关闭和更换问卷链接，打印海报和作答码。"
    return text


# What a submission keeps. ``tests/evalsite`` checks these are exactly the
# columns of the submission table, so the notice cannot promise less than is stored.
STORED = {
    "id": "一个顺序编号（只在系统内部使用，从不显示或导出）",
    "campaign_id": "所属的评估行动",
    "enterprise_id": "所属的企业",
    "audience": "问卷类别（职工问卷或企业方问卷）",
    "definition_hash": "问卷版本",
    "submission_key": "一个随机编号（用于防止同一份答卷重复提交）",
    "answers": "您选择和填写的答案",
    "submitted_on": "提交日期（只记到日，不记时刻；从不显示或导出）",
    "release_no": "这份答卷随第几批结果公布（每批至少5份答卷）",
}
NOT_STORED = (
    "您的姓名、工号、手机号或任何账号",
    "您的IP地址和手机或浏览器信息",
    "提交的具体时刻",
    "您用的是哪个作答码（作答码只记录是否已用过）",
)


def promise(audience: str = "worker", settings: Settings | None = None, short: bool = False) -> str:
    """What the questionnaire's intro, the poster and the thank-you page promise, written from the table.

    It says what the enterprise accounts (both sides) can see, who reads the
    free text and who gets de-identified rows: nothing more than the policy
    keeps, nothing less than it allows.
    """
    s = settings or load_settings()
    grants = {v: grant(v, audience, s) for v in VIEWERS}
    enterprise = [v for v in ("management", "union") if grants[v].aggregates and not grants[v].rows]
    assert len(enterprise) == 2, "the promise below assumes enterprise accounts see aggregates only"
    if short:
        return f"匿名填写：不收集姓名、手机号、IP地址；本企业只能看到不少于{s.min_group_size}人的汇总结果，看不到任何一份答卷"
    text = (f"本问卷匿名填写：不收集您的姓名、手机号码，也不记录IP地址、设备信息或提交时刻，只记录提交日期。"
            f"本企业（企业方和工会）{'和评估人员' if not grants['evaluator'].rows else ''}看不到任何一份答卷，"
            f"只能看到不少于{s.min_group_size}人的汇总结果，结果每新增至少{s.release_step}份答卷才更新一次。")
    readers = [v for v in VIEWERS if grants[v].free_text]
    if readers:
        who = "本企业工会和上级工会" if set(readers) == {"union", *ADMINS} else "、".join(VIEWERS[v] for v in readers)
        text += f"您写的意见原文在答卷满{s.min_text_group}份后才向{who}显示，不带日期、随机排列，也不与您的其他答案放在一起。"
    if any(grants[v].rows for v in VIEWERS):
        text += "上级工会可取得去除日期和编号的逐份数据，仅用于统计分析。"
    return text


@dataclass(frozen=True)
class Notice:
    promise: str
    stored: tuple[str, ...]
    not_stored: tuple[str, ...]
    who_sees: tuple[tuple[str, str, str], ...]  # (viewer, audience, what)
    release_step: int
    min_cell: int
    min_text: int


def notice(settings: Settings | None = None) -> Notice:
    """The privacy notice, generated from the policy table."""
    s = settings or load_settings()
    return Notice(stored=tuple(STORED.values()), not_stored=NOT_STORED, promise=promise("worker", s),
                  who_sees=tuple((VIEWERS[g.viewer], AUDIENCES[g.audience], describe(g)) for g in table(s)),
                  release_step=s.release_step, min_cell=s.min_group_size, min_text=s.min_text_group)

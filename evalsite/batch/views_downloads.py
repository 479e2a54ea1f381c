"""Start the file batches: a district's posters (and ballot slips) as a ZIP, the survey XLSX, the tables ZIP.

Each answers at once with the stored file when nothing it reads has changed
since the last one (the fingerprints in the ``kind_*`` modules).
"""
from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user

from .. import confirm
from ..access import admin_required, roles_required
from ..campaign_context import campaign_or_404
from ..db import db
from ..errors import abort_zh
from ..inputs import form_int
from ..models import ReportingUnit
from ..survey_data import releases, store
from ..survey_data import disclosure as policy
from ..access import visible_enterprise_ids
from . import kind_exports, kind_posters
from .blueprint import bp
from .starting import start


def _poster_scope(campaign):
    """(unit id, enterprise id, name) of the ZIP: the district's administrator their own, the city any; an
    enterprise account its own enterprise."""
    if current_user.role == "enterprise":
        return None, current_user.enterprise_id, ""
    unit_id = form_int("unit", 0, minimum=0, label="区市") or None
    if current_user.role == "district_admin":
        if unit_id and unit_id != current_user.unit_id:
            abort(403)
        unit_id = current_user.unit_id
    if unit_id is None:
        abort_zh(400, "请选择区市：海报和作答码按区市打包。")
    unit = db.session.get(ReportingUnit, unit_id)
    if unit is None:
        abort_zh(400, "所选区市不存在。")
    return unit_id, None, unit.name


@bp.route("/posters", methods=["POST"])
@roles_required("city_admin", "district_admin", "enterprise")
def posters():
    campaign = campaign_or_404()
    unit_id, ent_id, name = _poster_scope(campaign)
    ballots = form_int("ballots", 0, minimum=0, maximum=kind_posters.MAX_BALLOTS, label="每个链接的作答码数量") or 0
    params = {"campaign_id": campaign.id, "unit_id": unit_id, "enterprise_id": ent_id, "unit_name": name,
              "ballots": ballots}
    where = name or "本企业"
    if ballots:
        page = confirm.gate(confirm.fingerprint("posters", current_user.id, params),
                            title="打包下载海报和作答码", subject=f"{campaign.name}：{where}",
                            consequences=[f"为您管理的每个开放的问卷链接新生成 {ballots} 个一次性作答码，连同海报打包成一个压缩文件。",
                                          "生成作答码后，这些链接须凭作答码作答（扫码后输入作答码），此前打印的作答码继续有效。",
                                          "作答码明文只出现在本压缩包中，平台数据库只保存其摘要；请妥善保管、按人发放。",
                                          "您不管理的链接（例如企业方账号不能打印职工问卷）和尚未生成或已关闭的链接将列为未处理。"],
                            action_url=url_for("batch.posters", campaign=campaign.id), button="确认生成并打包",
                            back_url=url_for("survey_admin.overview", campaign=campaign.id),
                            hidden={k: ("" if v is None else v) for k, v in
                                    {"unit": unit_id, "ballots": ballots}.items()})
        if page is not None:
            return page
    fp = kind_posters.inputs_fingerprint(db.session, current_user, params)
    return start("survey.posters", params, f"打包下载问卷海报{'和作答码' if ballots else ''}（{where}）", campaign.id,
                 fingerprint=fp)


@bp.route("/survey-export", methods=["POST"])
@roles_required("city_admin", "district_admin", "enterprise", "evaluator")
def survey_export():
    campaign = campaign_or_404()
    audience = request.form.get("audience") or ""
    if audience not in ("", "worker", "employer"):
        abort_zh(400, "问卷类别无效：只能是职工问卷或企业方问卷。")
    audiences = [audience] if audience else ["worker", "employer"]
    for each in audiences:
        policy.require_for(current_user, each, "rows")  # 403 with the reason, never an empty file
    ids = visible_enterprise_ids(current_user, campaign.id)
    params = {"campaign_id": campaign.id, "audiences": audiences}
    # a release due first is made by the job (a POST may not open the extra write transactions it takes)
    due = releases.due(store.response_counts(db.session, campaign.id, ids), releases.latest(db.session, campaign.id, ids))
    fp = None if due else kind_exports.survey_fingerprint(db.session, current_user, params)
    return start("survey.xlsx", params, "导出去标识化答卷（Excel，后台生成）", campaign.id, fingerprint=fp)


@bp.route("/tables-export", methods=["POST"])
@admin_required
def tables_export():
    campaign = campaign_or_404()
    params = {"campaign_id": campaign.id}
    fp = kind_exports.tables_fingerprint(db.session, current_user, params)
    return start("tables.zip", params, "统计表打包下载（后台生成）", campaign.id, fingerprint=fp)

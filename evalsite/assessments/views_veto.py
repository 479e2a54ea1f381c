"""Veto events (否决事项, DOMAIN §3.3): administrators record substantiated ones; each caps the grade.

Recorded on the enterprise's result page; the result is recomputed at once.
"""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..timefmt import local_today
from ..access import admin_required, can_edit_enterprise, enterprise_or_403
from ..audit import record
from ..db import db
from ..errors import abort_zh
from ..models import Enterprise, VetoEvent
from ..models.evaluations import VETO_KINDS
from .results import refresh_results
from .blueprint import bp
from .common import campaign_or_404


class VetoForm(FlaskForm):
    kind = SelectField("否决事项", choices=list(VETO_KINDS.items()), validators=[DataRequired("请选择否决事项")])
    occurred_on = DateField("发生或查实日期", validators=[DataRequired("请填写有效日期（如 2021-04-01）")])
    description = TextAreaField("事实与依据", validators=[DataRequired("请说明查实的事实与依据"),
                                                       Length(max=500, message="不能超过500字")])

    def validate_occurred_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError("日期不能晚于今天")


def _managed(enterprise_id: int) -> Enterprise:
    ent = enterprise_or_403(enterprise_id)
    if not can_edit_enterprise(current_user, ent):
        abort_zh(403, "只有企业所在地区的管理员可以登记否决事项。")
    return ent


@bp.post("/result/<int:enterprise_id>/veto")
@admin_required
def veto_add(enterprise_id):
    campaign = campaign_or_404()
    ent = _managed(enterprise_id)
    form = VetoForm()
    if not form.validate_on_submit():
        messages = "；".join(m for errors in form.errors.values() for m in errors)
        abort_zh(400, f"否决事项未登记：{messages}")
    event = VetoEvent(campaign_id=campaign.id, enterprise_id=ent.id, kind=form.kind.data,
                      occurred_on=form.occurred_on.data, description=form.description.data.strip(),
                      recorded_by_id=current_user.id)
    db.session.add(event)
    db.session.flush()
    record("veto_add", "enterprise", ent.id, f"{ent.name} 登记否决事项：{event.kind_label}",
           {"veto_id": event.id, "kind": event.kind, "campaign_id": campaign.id})
    refresh_results(db.session, campaign, [ent.id])
    flash(f"已登记否决事项“{event.kind_label}”，评估结果已重新计算。", "success")
    return redirect(url_for("assessments.result", enterprise_id=ent.id, campaign=campaign.id))


@bp.post("/veto/<int:veto_id>/delete")
@admin_required
def veto_delete(veto_id):
    event = db.session.get(VetoEvent, veto_id)
    if event is None:
        abort_zh(404, "找不到该否决事项。")
    ent = _managed(event.enterprise_id)
    campaign = event.campaign_id
    record("veto_delete", "enterprise", ent.id, f"{ent.name} 撤销否决事项：{event.kind_label}",
           {"veto_id": event.id, "kind": event.kind, "description": event.description})
    db.session.delete(event)
    db.session.flush()
    from ..models import Campaign

    refresh_results(db.session, db.session.get(Campaign, campaign), [ent.id])
    flash("已撤销该否决事项，评估结果已重新计算。", "success")
    return redirect(url_for("assessments.result", enterprise_id=ent.id, campaign=campaign))

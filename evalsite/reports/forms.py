"""Forms of the report pages; every POST carries a CSRF token."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..models.reports import LETTER_KINDS


class ActionForm(FlaskForm):
    """A button: only the CSRF token."""


class RemarksForm(FlaskForm):
    remarks = TextAreaField("评估组说明（仅草稿可改）", validators=[Optional(), Length(max=5000, message="不超过5000字")])


class RevokeForm(FlaskForm):
    reason = StringField("撤销原因", validators=[DataRequired("请填写撤销原因"), Length(max=500, message="不超过500字")])


class SubmitItemForm(FlaskForm):
    measures = TextAreaField("已采取的整改措施", validators=[DataRequired("请填写整改措施"),
                                                            Length(max=5000, message="不超过5000字")])
    evidence = FileField("佐证材料（PDF、JPEG、PNG、DOCX、XLSX，可选）")


class ReviewForm(FlaskForm):
    action = SelectField("验收结论", choices=[("accept", "验收通过"), ("return", "退回重改")])
    comment = TextAreaField("意见（退回时必填，责任方将看到）",
                            validators=[Optional(), Length(max=2000, message="不超过2000字")])


class LetterForm(FlaskForm):
    kind = SelectField("文书", choices=list(LETTER_KINDS.items()))


class ResponseForm(FlaskForm):
    response = TextAreaField("答复内容", validators=[DataRequired("请填写答复内容"), Length(max=5000)])


class VerifyUploadForm(FlaskForm):
    pdf = FileField("上传 PDF 文件核对")


class LetterEditForm(FlaskForm):
    """The wording of a letter draft, one paragraph a line (the service checks counts and lengths)."""
    addressee = StringField("主送机关", validators=[DataRequired("请填写主送机关"), Length(max=200, message="不超过200字")])
    facts = TextAreaField("事实（每段一行，按“一、二、”编号）",
                          validators=[DataRequired("请填写事实"), Length(max=8000, message="不超过8000字")])
    legal_basis = TextAreaField("依据（每条一行，按“（一）（二）”编号）",
                                validators=[DataRequired("请填写依据"), Length(max=8000, message="不超过8000字")])
    requests = TextAreaField("要求（每条一行，按“1. 2.”编号）",
                             validators=[DataRequired("请填写要求"), Length(max=8000, message="不超过8000字")])
    contact = StringField("联系人及电话（可选）", validators=[Optional(), Length(max=100, message="不超过100字")])


class LetterIssueForm(FlaskForm):
    """The confirmation: the wording revision confirmed, and an explicit tick."""
    revision = HiddenField()
    confirm = BooleanField("我已核对文书内容，确认编号并出具", validators=[DataRequired("请勾选确认后再出具")])

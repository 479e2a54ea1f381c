"""Forms of the report pages; every POST carries a CSRF token."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
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
    comment = TextAreaField("意见", validators=[Optional(), Length(max=2000, message="不超过2000字")])


class LetterForm(FlaskForm):
    kind = SelectField("文书", choices=list(LETTER_KINDS.items()))


class ResponseForm(FlaskForm):
    response = TextAreaField("答复内容", validators=[DataRequired("请填写答复内容"), Length(max=5000)])


class VerifyUploadForm(FlaskForm):
    pdf = FileField("上传 PDF 文件核对")

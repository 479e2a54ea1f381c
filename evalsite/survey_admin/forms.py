"""Forms of the survey administration; every POST carries a CSRF token."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import NumberRange, Optional, ValidationError


class ActionForm(FlaskForm):
    """A button: only the CSRF token (and the campaign it acts on)."""
    campaign_id = HiddenField()


class UploadForm(FlaskForm):
    campaign_id = HiddenField()
    file = FileField("问卷定义文件（YAML）")
    text = TextAreaField("或直接粘贴 YAML 内容", validators=[Optional()])


class LinkSettingsForm(FlaskForm):
    status = SelectField("状态", choices=[("open", "开放"), ("closed", "关闭")])
    opens_on = DateField("开始日期", validators=[Optional()])
    closes_on = DateField("截止日期", validators=[Optional()])
    daily_cap = IntegerField("每日上限（空 = 按职工人数自动）",
                             validators=[Optional(), NumberRange(1, 100000, "请输入1到100000之间的整数")])

    def validate_closes_on(self, field):
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError("截止日期不能早于开始日期")


class BallotForm(FlaskForm):
    count = IntegerField("作答码数量", default=60,
                         validators=[NumberRange(1, 600, "一次可生成1到600个作答码")])

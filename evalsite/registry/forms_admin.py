"""Forms for campaigns, enrolment, accounts and the registry import."""
from __future__ import annotations

import re

from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, DecimalField, IntegerField, PasswordField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, ValidationError

from ..auth.forms import EMAIL_LABEL, check_email as _check_email, check_new_password
from ..inputs import Finite
from ..models.users import ROLES, SIDES
from .common import ZhForm

CODE_RE = re.compile(r"^[A-Za-z0-9_-]{2,32}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")


class CampaignForm(ZhForm):
    code = StringField("行动代码", validators=[DataRequired("请填写行动代码，如 2021-JZYY")])
    name = StringField("行动名称", validators=[DataRequired("请填写行动名称"), Length(max=200, message="最多200字")])
    start_date = DateField("开始日期", validators=[InputRequired("请填写开始日期（年-月-日）")])
    end_date = DateField("结束日期", validators=[InputRequired("请填写结束日期（年-月-日）")])
    report_deadline = DateField("报送截止日期", validators=[Optional()])
    target_establishment_pct = DecimalField(
        "建制率目标（%）", default=80, validators=[InputRequired("请填写建制率目标"), Finite(),
                                              NumberRange(min=0, max=100, message="目标应在0至100之间")])
    target_wage_pct = DecimalField(
        "规上企业工资专项集体合同目标（%）", default=90,
        validators=[InputRequired("请填写工资专项目标"), Finite(), NumberRange(min=0, max=100, message="目标应在0至100之间")])
    min_headcount = IntegerField("参评企业最低职工人数", default=100,
                                 validators=[InputRequired("请填写最低职工人数"),
                                             NumberRange(min=1, max=100000, message="应为正整数")])
    is_current = BooleanField("设为当前行动（同时只能有一个当前行动）")
    description = TextAreaField("说明", validators=[Optional(), Length(max=5000)])

    def validate_code(self, field):
        if not CODE_RE.match((field.data or "").strip()):
            raise ValidationError("行动代码只能包含字母、数字、- 和 _，2至32个字符")

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError("结束日期不能早于开始日期")

    def validate_report_deadline(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError("报送截止日期不能早于开始日期")


class EnrolForm(ZhForm):
    credit_code = StringField("统一社会信用代码", validators=[DataRequired("请填写要登记企业的统一社会信用代码")])


class UserCreateForm(ZhForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名")])
    display_name = StringField("姓名/显示名", validators=[DataRequired("请填写姓名"), Length(max=100, message="最多100字")])
    role = SelectField("角色", choices=list(ROLES.items()), validate_choice=False)
    unit_id = SelectField("所属单位", coerce=int, validate_choice=False)
    enterprise_code = StringField("企业统一社会信用代码（企业用户）", validators=[Optional()])
    side = SelectField("企业用户代表", choices=[("", "（请选择）")] + list(SIDES.items()), validate_choice=False)
    email = StringField(EMAIL_LABEL, validators=[Optional(), _check_email])
    password = PasswordField("初始密码", validators=[DataRequired("请设置初始密码")])

    def validate_username(self, field):
        if not USERNAME_RE.match((field.data or "").strip()):
            raise ValidationError("用户名只能包含字母、数字、_ . -，3至64个字符")

    validate_password = check_new_password


class UserEditForm(ZhForm):
    display_name = StringField("姓名/显示名", validators=[DataRequired("请填写姓名"), Length(max=100, message="最多100字")])
    email = StringField(EMAIL_LABEL, validators=[Optional(), _check_email])
    unit_id = SelectField("所属单位", coerce=int, validate_choice=False)
    side = SelectField("企业用户代表", choices=[("", "（请选择）")] + list(SIDES.items()), validate_choice=False)


class PasswordResetForm(ZhForm):
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码")])
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码"),
                                                     EqualTo("new", "两次输入的新密码不一致")])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # whose password: it may not contain their username nor stay the same

    validate_new = check_new_password


class ImportForm(ZhForm):
    file = FileField("企业名录文件（XLSX 或 CSV）")

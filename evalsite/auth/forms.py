from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from .passwords import MAX_LENGTH, password_problem

# one plain address: no spaces, and none of the characters that would make it a display name or a list (<>,;...)
_ADDR = r'[^@\s<>()\[\],;:"\\]'
EMAIL_RE = re.compile(rf"^{_ADDR}{{1,64}}@{_ADDR}+\.{_ADDR}+$")
EMAIL_LABEL = "电子邮箱（接收通知，可不填）"
EMAIL_INVALID = "请填写有效的电子邮箱地址，例如 zhangsan@example.cn；不需要邮件通知可留空"
PASSWORD_HINT = "至少12个字符，不含用户名，不用常见密码；由几个词组成的短语最好记，例如“海边-灯塔-晚风-37”"


def _typed(form, name: str) -> str:
    field = getattr(form, name, None)
    return ((field.data if field is not None else "") or "").strip()


def check_new_password(form, field) -> None:
    """Validator for a new password of ``form.user`` (None when the account does not exist yet)."""
    user = getattr(form, "user", None)
    if user is not None:
        username, display, current = user.username, user.display_name, user.password_hash
    else:
        username, display, current = _typed(form, "username"), _typed(form, "display_name"), None
    problem = password_problem(field.data or "", username=username, other_inputs=(display,) if display else (),
                               current_hash=current)
    if problem:
        raise ValidationError(problem)


def check_email(form, field) -> None:
    """Optional; when given, one address (notifications are e-mailed to it when e-mail is configured).

    Used by the administrators' account forms (registry) and by one's own account page.
    """
    value = (field.data or "").strip()
    if value and (len(value) > 254 or not EMAIL_RE.match(value)):
        raise ValidationError(EMAIL_INVALID)


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64, message="用户名过长")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=200, message="密码过长")])


class PasswordChangeForm(FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码")])
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码"),
                                              Length(max=MAX_LENGTH, message=f"密码不能超过{MAX_LENGTH}个字符")])
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码"), EqualTo("new", "两次输入的新密码不一致")])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    validate_new = check_new_password


class OwnEmailForm(FlaskForm):
    """One's own e-mail address; the current password confirms it is the account's owner who changes it."""
    email = StringField(EMAIL_LABEL, validators=[check_email])
    current = PasswordField("当前密码（确认是您本人操作）", validators=[DataRequired("请输入当前密码"),
                                                                  Length(max=200, message="密码过长")])


class CodeForm(FlaskForm):
    code = StringField("验证码", validators=[DataRequired("请输入验证器应用中的6位验证码，或一个恢复码"),
                                          Length(max=32, message="验证码过长")])

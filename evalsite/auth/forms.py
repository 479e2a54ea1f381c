from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from .passwords import password_problem


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64, message="用户名过长")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=200, message="密码过长")])


class PasswordChangeForm(FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码")])
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码"), Length(max=200)])
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码"), EqualTo("new", "两次输入的新密码不一致")])

    def validate_new(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

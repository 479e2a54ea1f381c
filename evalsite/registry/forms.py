"""Forms for enterprises, contracts and meetings (messages in Chinese, typed values kept)."""
from __future__ import annotations

from wtforms import (BooleanField, DateField, DecimalField, HiddenField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..creditcode import validate as validate_code
from ..inputs import DbInteger, Finite
from ..models.contracts import CONTRACT_KINDS, OFFER_BY, REVIEW_RESULTS
from .common import ZhForm, phone_ok

OPT = [Optional()]
COUNT = [Optional(), DbInteger()]  # an Integer column: −2³¹ … 2³¹−1


def _phone(form, field):
    if field.data and not phone_ok(field.data.strip()):
        raise ValidationError("电话号码格式不正确（7-20位数字，可含 - 和括号）")


class EnterpriseForm(ZhForm):
    name = StringField("企业名称", validators=[DataRequired("请填写企业名称"), Length(max=200, message="企业名称最多200字")])
    credit_code = StringField("统一社会信用代码", validators=[DataRequired("请填写统一社会信用代码")])
    unit_id = SelectField("所属区市（填报单位）", coerce=int)
    industry_id = SelectField("行业", coerce=int)
    headcount = IntegerField("职工人数", validators=[InputRequired("请填写职工人数（正整数）"),
                                                    NumberRange(min=1, message="职工人数应为正整数"),
                                                    DbInteger(1, message="职工人数应为正整数且不超过2147483647")])
    unionised = BooleanField("已建会")
    above_size = BooleanField("规模（限额）以上")
    normally_operating = BooleanField("正常经营", default=True)
    address = StringField("地址", validators=[Optional(), Length(max=300, message="地址最多300字")])
    union_chair = StringField("工会主席", validators=[Optional(), Length(max=50, message="最多50字")])
    union_chair_phone = StringField("工会主席电话", validators=[Optional(), _phone])
    hr_contact = StringField("人事联系人", validators=[Optional(), Length(max=50, message="最多50字")])
    hr_contact_phone = StringField("人事联系电话", validators=[Optional(), _phone])
    notes = TextAreaField("备注", validators=[Optional(), Length(max=2000, message="备注最多2000字")])

    code_note = None
    code_warning = None

    def validate_credit_code(self, field):
        check = validate_code(field.data or "")
        if not check.ok:
            raise ValidationError(check.error)
        self.code_note, self.code_warning = check.note, check.warning
        self.normalised_code = check.code

    def validate_industry_id(self, field):
        if not field.data:
            raise ValidationError("请选择行业")


class ContractForm(ZhForm):
    """Every field of CollectiveContract; the coverage list only for industry/regional contracts."""

    scope = SelectField("合同范围", choices=[("industry", "行业性"), ("regional", "区域性")])
    kind = SelectField("合同种类", choices=list(CONTRACT_KINDS.items()))
    title = StringField("合同名称", validators=[DataRequired("请填写合同名称"), Length(max=200, message="最多200字")])
    unit_id = SelectField("所属区市", coerce=int)
    industry_id = SelectField("行业", coerce=int)
    worker_signatory = StringField("职工方签约主体", validators=[Optional(), Length(max=200)])
    employer_signatory = StringField("企业方签约主体", validators=[Optional(), Length(max=200)])
    offer_by = SelectField("要约方", choices=[("", "（未填）")] + list(OFFER_BY.items()), default="")
    offer_date = DateField("要约日期", validators=OPT)
    reply_date = DateField("书面答复日期", validators=OPT)
    reply_written = BooleanField("以书面形式答复")
    worker_reps = IntegerField("职工方协商代表人数", validators=COUNT)
    employer_reps = IntegerField("企业方协商代表人数", validators=COUNT)
    worker_chief_is_chair = BooleanField("职工方首席代表为工会主席")
    congress_date = DateField("职代会（职工大会）审议通过日期", validators=OPT)
    congress_members = IntegerField("职代会应到人数（全体代表/职工）", validators=COUNT)
    congress_present = IntegerField("出席人数", validators=COUNT)
    congress_in_favour = IntegerField("赞成人数", validators=COUNT)
    signing_date = DateField("签订日期", validators=OPT)
    submitted_date = DateField("报送人社部门审查日期", validators=OPT)
    review_result = SelectField("审查结果", choices=[("", "（未填）")] + list(REVIEW_RESULTS.items()), default="")
    effective_date = DateField("生效日期", validators=OPT)
    term_years = DecimalField("合同期限（年）", places=1, validators=OPT + [Finite(4, 1)])  # Numeric(4, 1)
    published_date = DateField("向职工公布日期", validators=OPT)
    covered_enterprises = IntegerField("覆盖企业数（含平台外企业）", validators=COUNT)
    covered_workers = IntegerField("覆盖职工人数", validators=COUNT)
    covered_new_form_workers = IntegerField("其中新就业形态劳动者数", validators=COUNT)
    wage_increase_pct = DecimalField("工资调整幅度（%）", places=2, validators=OPT + [Finite(6, 2)])  # Numeric(6, 2)
    min_wage = DecimalField("最低工资标准（元/月）", places=2, validators=OPT + [Finite(10, 2)])
    piece_rate = DecimalField("计件单价/派送费（元/件、元/单）", places=2, validators=OPT + [Finite(10, 2)])
    piece_rate_terms = TextAreaField("计件单价与计提工资条款", validators=OPT)
    allowances = TextAreaField("津贴补贴（高温、恶劣天气等）", validators=OPT)
    hours_and_rest = TextAreaField("工作时间与休息", validators=OPT)
    safety_insurance = TextAreaField("职业安全与保险", validators=OPT)
    training_rewards = TextAreaField("技能培训与奖惩规则", validators=OPT)
    notes = TextAreaField("备注", validators=OPT)
    coverage_codes = TextAreaField("覆盖的平台内企业（统一社会信用代码，每行一个）", validators=OPT)

    MODEL_FIELDS = (
        "kind", "title", "worker_signatory", "employer_signatory", "offer_by", "offer_date", "reply_date",
        "reply_written", "worker_reps", "employer_reps", "worker_chief_is_chair", "congress_date",
        "congress_members", "congress_present", "congress_in_favour", "signing_date", "submitted_date",
        "review_result", "effective_date", "term_years", "published_date", "covered_enterprises",
        "covered_workers", "covered_new_form_workers", "wage_increase_pct", "min_wage", "piece_rate",
        "piece_rate_terms", "allowances", "hours_and_rest", "safety_insurance", "training_rewards", "notes",
    )

    def values(self) -> dict:
        """The model values typed in (empty strings, and values refused by the form (NaN...), as None)."""
        out = {}
        for name in self.MODEL_FIELDS:
            value = self[name].data
            out[name] = None if value == "" or self[name].errors else value
        return out


class MeetingForm(ZhForm):
    date = DateField("协商会议日期", validators=[InputRequired("请填写会议日期（年-月-日）")])
    online = BooleanField("线上协商")
    notes = StringField("说明", validators=[Optional(), Length(max=500, message="最多500字")])
    meeting_id = HiddenField()

"""What the importer knows of the domain's words: messages, stage words, the fields a plan row
and a dispatch row carry, and which columns mark a sheet as one or the other."""

import re

from django.utils.translation import gettext_lazy as _

from projects.models import PROJECT_CODE_RE, Stage

from ..parsing import match_key


class ImportMsg:
    NOT_ALLOWED = _("Your role may not import schedules.")
    NOT_ALLOWED_PLAN = _("Your role may not change the project plan.")
    NO_DATA = _("No sheet of this workbook has a project plan or a monthly dispatch header (项目代码, 项目名称, …).")
    CODE_MISSING = _("The project code is missing.")
    UNKNOWN_CATEGORY = _("Unknown category; use one of: %(names)s.")
    CATEGORY_MISSING = _("The category is missing: add a 项目类别 column or put the row under its category line.")
    UNKNOWN_STAGE = _("Unknown stage; use one of: %(names)s.")
    UNKNOWN_LEADER = _(
        "No leader account is named %(name)s; create the leader's account first (with this full name), "
        "or correct the name. Separate several leaders with 、."
    )
    LEADERS_NOT_YOURS = _("Only a reviewer links 挂钩领导 to a project; leave this column as it was exported.")
    UNKNOWN_UNIT = _("Unknown responsible unit; use one of the units set up in the system.")
    DUPLICATE_CODE = _("This project code already appears in row %(row)s of this file.")
    MONTH_MISSING = _(
        "The reporting month is missing: add a 填报月份 column, write it in the title (e.g. 2022年1-9月), "
        "or choose the month."
    )
    NO_PLAN_YEAR = _("There is no plan year %(year)s in the system.")
    CHANGED_MEANWHILE = _(
        "Another import changed these projects or reports while this one was being applied; nothing of this "
        "file was written. Preview the file again."
    )
    WHOLE_SHEET_FORMULAS = _(
        "This sheet holds formulas in cells that cannot be located; paste the values and import again."
    )


STAGE_WORDS = {
    "前期": Stage.PRELIMINARY,
    "前期工作": Stage.PRELIMINARY,
    "新开工": Stage.NEW,
    "新建": Stage.NEW,
    "续建": Stage.CONTINUING,
    "竣工": Stage.COMPLETING,
    "完工": Stage.COMPLETING,
    "建成投产": Stage.IN_PRODUCTION,
    "投产": Stage.IN_PRODUCTION,
    "储备": Stage.RESERVE,
}
STAGE_LABELS = {
    Stage.PRELIMINARY: "前期",
    Stage.NEW: "新开工",
    Stage.CONTINUING: "续建",
    Stage.COMPLETING: "竣工",
    Stage.IN_PRODUCTION: "建成投产",
    Stage.RESERVE: "储备",
}

PLAN_TEXT = {"name": 200, "scope": None, "location": 100, "annual_target": None, "remarks": None}
PLAN_MONEY = ("total_investment", "government_investment", "social_investment", "completed_before_year", "annual_plan")
PLAN_FIELDS_ORDER = (
    "name",
    "category",
    "stage",
    "scope",
    "location",
    "start_year",
    "end_year",
    "owner_unit",
    "responsible_unit",
    "leaders",
    "total_investment",
    "government_investment",
    "social_investment",
    "completed_before_year",
    "annual_plan",
    "annual_target",
    "remarks",
)
DISPATCH_MARKERS = ("investment_month", "month")
PLAN_MARKERS = (
    "total_investment",
    "category",
    "stage",
    "government_investment",
    "annual_plan",
    "owner_unit",
    "responsible_unit",
    "period",
    "scope",
    "location",
    "annual_target",
    "leader",
    "completed_before_year",
)
# report field → the column that carries it
REPORT_COLUMN = {
    "investment_completed": "investment_month",
    "physical_percent": "physical_percent",
    "physical_narrative": "physical_narrative",
    "problems": "problems",
    "next_month_plan": "next_month_plan",
    "percent_drop_reason": "percent_drop_reason",
    "month": "month",
    "year": "month",
    "code": "code",
}
_CODE = re.compile(PROJECT_CODE_RE)
_TITLE_YEAR = re.compile(r"(20\d{2})\s*年")
_TITLE_MONTHS = re.compile(r"(?:1|一)\s*[-—~至到]\s*(\d{1,2})\s*月")
_TITLE_MONTH = re.compile(r"(?:20\d{2}\s*年\s*)(\d{1,2})\s*月")


# 挂钩领导: several names in one cell, separated as people write them.
LEADER_SEPARATORS = re.compile(r"[、,，;；]")  # not spaces: 「王  伟」 is one name, padded


def leader_names() -> dict:
    """Leader accounts by the full name people write (姓+名, as pages show it) and by login name;
    inactive ones too, since migration 0010 created accounts for names written before logins."""
    from dispatch.selectors import person
    from projects.models import User
    from projects.roles import Role

    names = {}
    for user in User.objects.filter(groups__name=Role.LEADER).order_by("pk"):
        for key in (person(user), user.get_username()):
            names.setdefault(match_key(key), user)
    return names

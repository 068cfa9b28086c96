"""Property: any valid projects and monthly reports survive export → import exactly, Decimal
for Decimal and character for character (text that looks like a formula included)."""

import io
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio.excel.importing import import_apply
from portfolio.excel.writing import write_schedule
from projects import progress
from projects.models import OwnerUnit, ProgressReport, Project, ProjectYear, Stage
from projects.roles import Role
from projects.services import REPORT_FIELDS
from tests.factories import UserFactory, row_of

# 挂钩领导 accounts: a compound surname, a Latin name with a space, a plain one.
LEADERS = (("欧阳", "娜娜"), ("Li ", "Lei"), ("张", "三"))

TEXT_ALPHABET = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Zl", "Zp"), blacklist_characters="\r")
money = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False)


def text(max_size, min_size=0):
    lines = st.text(TEXT_ALPHABET, min_size=min_size, max_size=max_size).map(str.strip)
    return lines.filter(lambda s: len(s) >= min_size)


def formulaish():
    return st.sampled_from(['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "=1+1"])


@st.composite
def project_rows(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    rows = []
    for i in range(n):
        government, social = draw(money), draw(money)
        start = draw(st.integers(min_value=2000, max_value=2030))
        rows.append(
            {
                "code": f"2022-500235-48-01-{i:06d}",
                "name": draw(st.one_of(text(60, min_size=1), formulaish())),
                "category": draw(st.integers(min_value=0, max_value=5)),
                "stage": draw(st.sampled_from(Stage.values)),
                "scope": draw(st.one_of(text(80), st.just("第一行\n第二行"))),
                "location": draw(text(30)),
                "start_year": start,
                "end_year": draw(st.integers(min_value=start, max_value=2040)),
                "unit": draw(st.integers(min_value=0, max_value=1)),
                "owner": draw(st.sampled_from(["云阳县城投公司", "重庆某某建设有限公司"])),
                "leaders": draw(st.sets(st.integers(min_value=0, max_value=len(LEADERS) - 1))),
                "government_investment": government,
                "social_investment": social,
                "total_investment": government + social,
                "completed_before_year": draw(money),
                "annual_plan": draw(money),
                "annual_target": draw(text(40)),
                "remarks": draw(st.one_of(text(20), formulaish())),
                "report": draw(
                    st.one_of(
                        st.none(),
                        st.fixed_dictionaries(
                            {
                                "investment_completed": money,
                                "physical_percent": st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
                                "physical_narrative": text(40),
                                "problems": text(20),
                                "next_month_plan": text(20),
                                "percent_drop_reason": text(10),
                            }
                        ),
                    )
                ),
            }
        )
    return rows


PROJECT_COMPARE = (
    "name",
    "scope",
    "location",
    "start_year",
    "end_year",
    "owner_unit_id",
    "responsible_unit_id",
    "total_investment",
    "government_investment",
    "social_investment",
    "remarks",
)
YEAR_COMPARE = (
    "category_id",
    "stage",
    "total_investment",
    "government_investment",
    "social_investment",
    "completed_before_year",
    "annual_plan",
    "annual_target",
)
YEAR_KEYS = ("category", "stage", "completed_before_year", "annual_plan", "annual_target")


def _state() -> dict:
    return {
        y.project.code: (
            {f: getattr(y.project, f) for f in PROJECT_COMPARE},
            {f: getattr(y, f) for f in YEAR_COMPARE},
            {u.pk for u in y.project.leaders.all()},
        )
        for y in ProjectYear.objects.select_related("project").prefetch_related("project__leaders")
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(rows=project_rows())
def test_random_rows_survive_export_then_import(rows, plan_year, categories, unit_a, unit_b, admin_user):
    # Each example in its own savepoint, rolled back, so examples do not see each other's rows.
    with transaction.atomic():
        check_round_trip(rows, plan_year, categories, [unit_a, unit_b], admin_user)
        transaction.set_rollback(True)


def check_round_trip(rows, plan_year, categories, units, admin_user):
    leaders = [
        UserFactory(username=f"leader-{i}", last_name=last, first_name=first, role=Role.LEADER)
        for i, (last, first) in enumerate(LEADERS)
    ]
    for row in rows:
        owner, _ = OwnerUnit.objects.get_or_create(name=row["owner"])
        fields = {
            k: v for k, v in row.items() if k not in ("category", "unit", "owner", "report", "leaders", *YEAR_KEYS)
        }
        project = Project.objects.create(responsible_unit=units[row["unit"]], owner_unit=owner, **fields)
        project.leaders.set([leaders[i] for i in row["leaders"]])
        ProjectYear.objects.create(
            project=project,
            plan_year=plan_year,
            category=categories[row["category"]],
            **{k: row[k] for k in YEAR_KEYS[1:] if k in row},
            **{f: getattr(project, f) for f in YEAR_COMPARE[2:5]},
        )
        if row["report"]:
            ProgressReport.objects.create(
                project_year=row_of(project), year=2022, month=3, created_by=admin_user, **row["report"]
            )
    progress.rebuild()  # written raw, past the services: rebuild the progress summary, as `rebuild_progress` would.
    before = _state()
    reports_before = {
        r.project_year.project.code: {f: getattr(r, f) for f in REPORT_FIELDS}
        for r in ProgressReport.objects.select_related("project_year__project")
    }
    buffer = io.BytesIO()
    write_schedule(buffer, plan_year=plan_year, month=3, dispatch_month=3)

    ProgressReport.objects.all().delete()
    Project.objects.all().delete()
    result = import_apply(data=buffer.getvalue(), filename="roundtrip.xlsx", actor=admin_user)
    assert result.applied, [str(p) for p in result.problems]
    after = _state()
    assert after == before
    reports_after = {
        r.project_year.project.code: {f: getattr(r, f) for f in REPORT_FIELDS}
        for r in ProgressReport.objects.select_related("project_year__project")
    }
    assert reports_after == reports_before

"""A living demo for newcomers: 【演示数据】 monthly reports for months 1–9 of the 2022 plan, approved
through the workflow services (so history, events and figures are real), a few returned and a few
awaiting review, a handful of problems in every state, unit contacts and the demo leader linked to
some projects. Deterministic (a fixed seed); refused when demo reports are already there. Only
`setup_demo --with-reports` calls it: the plain plan stays loadable without any of this."""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from projects import services as report_services
from projects.models import ProgressReport, ProjectYear, ResponsibleUnit, User

from . import services
from .models import Problem, ProblemType

MARK = "【演示数据】"
YEAR = 2022
MONTHS = 9
SEED = 2022
CENT = Decimal("0.01")
# How fast a project spends its plan, as a share of 序时进度: a mix that shows every colour.
PACES = [Decimal("1.05")] * 4 + [Decimal("0.95")] * 3 + [Decimal("0.8")] * 2 + [Decimal("0.55")] * 2 + [Decimal("0.3")]
PROBLEMS = [
    (ProblemType.DEMOLITION, "征地拆迁进度滞后，影响主体施工"),
    (ProblemType.FUNDING, "中央预算内资金尚未到位，存在资金缺口"),
    (ProblemType.APPROVAL, "环评批复尚未取得，影响开工"),
    (ProblemType.LAND, "建设用地指标不足，需县级统筹调剂"),
    (ProblemType.CONSTRUCTION, "施工队伍投入不足，进度缓慢"),
    (ProblemType.OTHER, "电力外线迁改协调难度大"),
]


def already_loaded() -> bool:
    return ProgressReport.objects.filter(physical_narrative__startswith=MARK).exists()


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def load(*, plan_year) -> dict:
    rng = random.Random(SEED)
    reviewer = User.objects.get(username="reviewer")
    leader = User.objects.get(username="leader")
    offices = {u.unit_id: u for u in User.objects.filter(username__startswith="office-").exclude(unit=None)}
    rows = list(ProjectYear.objects.filter(plan_year=plan_year).select_related("project").order_by("project__code"))
    for n, unit in enumerate(ResponsibleUnit.objects.order_by("code"), start=1):
        if not unit.contact_person:
            unit.contact_person = f"{MARK}{'张王李赵刘陈杨黄周吴'[n % 10]}工"
            unit.contact_phone = f"023-5512{n:04d}"
            unit.save(update_fields=["contact_person", "contact_phone"])
    counts = {"approved": 0, "returned": 0, "submitted": 0, "problems": 0}
    returned = set(rng.sample(range(len(rows)), 6))
    waiting = set(rng.sample(sorted(set(range(len(rows))) - returned), 5))
    with_problem = rng.sample(range(len(rows)), 10)
    for i, row in enumerate(rows):
        office = offices.get(row.project.responsible_unit_id)
        if office is None:
            continue
        pace = rng.choice(PACES)
        percent = Decimal(rng.randint(5, 40))
        for month in range(1, MONTHS + 1):
            amount = _money(row.annual_plan * pace / 12 * Decimal(rng.uniform(0.8, 1.2)))
            percent = min(Decimal(100), percent + Decimal(rng.randint(1, 5)))
            report = report_services.report_create(
                actor=office,
                project=row.project,
                year=YEAR,
                month=month,
                investment_completed=amount,
                physical_percent=percent,
                physical_narrative=f"{MARK}按计划推进，本月完成投资{amount}万元",
                problems=(f"{MARK}{PROBLEMS[i % len(PROBLEMS)][1]}" if i in with_problem and month == MONTHS else ""),
            )
            report = report_services.report_submit(actor=office, report=report)
            if month == MONTHS and i in waiting:
                counts["submitted"] += 1
                continue
            if month == MONTHS and i in returned:
                report_services.report_return(
                    actor=reviewer,
                    report=report,
                    comment=f"{MARK}本月投资与形象进度不匹配，请核实后重新报送",
                )
                counts["returned"] += 1
                continue
            report_services.report_approve(actor=reviewer, report=report)
            counts["approved"] += 1
        if i in with_problem:
            kind, text = PROBLEMS[i % len(PROBLEMS)]
            report = ProgressReport.objects.get(project_year=row, year=YEAR, month=MONTHS, is_current=True)
            problem = services.problem_raise(
                actor=office,
                project=row.project,
                report=report,
                type=kind,
                description=f"{MARK}{text}",
            )
            counts["problems"] += 1
            stage = with_problem.index(i) % 5
            if stage == 0:
                continue  # left waiting for the reviewer to hand it out
            today = timezone.localdate()
            problem = services.problem_assign(
                actor=reviewer,
                problem=problem,
                unit=row.project.responsible_unit,
                leader=leader,
                deadline=today + datetime.timedelta(days=15),
            )
            if stage == 2:
                problem = services.problem_start(actor=office, problem=problem, comment=f"{MARK}已对接相关部门")
            elif stage == 3:
                services.problem_solve(actor=office, problem=problem, resolution=f"{MARK}已协调解决")
            elif stage == 4:
                # Shown overdue: a deadline already passed (set directly, as no one may hand out
                # a problem with a past deadline).
                Problem.objects.filter(pk=problem.pk).update(deadline=today - datetime.timedelta(days=7))
    # The demo leader follows a dozen projects, some of them red.
    for row in rows[:: max(1, len(rows) // 12)][:12]:
        services.project_set_leaders(
            actor=reviewer,
            project=row.project,
            leaders=[leader, *row.project.leaders.all()],
        )
    return counts

"""The year-end review (执行情况): what the year's plan achieved, in the report's own style, from
approved data only — the investment completed against the annual plan, by category, and each
named milestone's outcome in the milestone's own words (「江龙高速、巫云开高速分别完成总工程量的58%、
33%」, 「马包圆和大堰滩水库完成竣工验收」), with the targets missed said plainly. `year_review` on the
command line and the overview of a closed year share it; each clause carries its projects so a
page can link them. Like the plan paragraph, it is the document's Chinese, not translated."""

import datetime
import os
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Subquery

from projects.models import Milestone, MilestoneKind, PlanYear, ProgressReport, ReportStatus

from .selectors import category_rollup
from .summary import share, yi_yuan

# The number at the end of a percent milestone's title: 「完成总工程量的58%」 → 「完成总工程量的」.
_PERCENT_TAIL = re.compile(r"\d+(\.\d+)?%.*$")


@dataclass
class Clause:
    text: str
    projects: list = field(default_factory=list)  # (code, name) the clause speaks of
    missed: bool = False


def _percent(value: Decimal) -> str:
    value = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = format(value, "f")
    return (text[:-2] if text.endswith(".0") else text) + "%"


def _names(names: list[str]) -> str:
    """Names as the report joins them: a shared ending said once (「马包圆和大堰滩水库」), else
    「、」 between them."""
    if len(names) == 1:
        return names[0]
    suffix = os.path.commonprefix([n[::-1] for n in names])[::-1]
    stems = [n[: len(n) - len(suffix)] for n in names]
    if len(suffix) >= 2 and all(stems):
        head = "、".join(stems[:-1])
        return f"{head}和{stems[-1]}{suffix}"
    return "、".join(names)


def _percent_milestones(plan_year: PlanYear):
    reached = (
        ProgressReport.objects.filter(
            project_year=OuterRef("project_year"), status=ReportStatus.APPROVED, is_current=True, year=plan_year.year
        )
        .order_by("-month")
        .values("physical_percent")[:1]
    )
    return (
        Milestone.objects.filter(project_year__plan_year=plan_year, kind=MilestoneKind.PERCENT)
        .annotate(reached=Subquery(reached))
        .select_related("project_year__project")
        .order_by("project_year__category__order", "pk")  # the plan's order (the fixture keeps the report's)
    )


def year_review(plan_year: PlanYear) -> list[Clause]:
    """The review as clauses, in the report's order: the whole, the categories, the milestones met,
    the targets missed. Five queries (the rollup's three, the two kinds of milestones)."""
    rollup = category_rollup(plan_year=plan_year, month=12)
    total = rollup.total
    clauses = [
        Clause(
            f"{plan_year.year}年实施县级重大项目{total.projects}个，完成投资{yi_yuan(total.completed_ytd)}亿元，"
            f"占年度计划的{share(total.completed_ytd, total.annual_plan)}%"
        )
    ]
    clauses.append(
        Clause(
            "其中："
            + "；".join(
                f"{r.name}完成投资{yi_yuan(r.completed_ytd)}亿元，占年度计划的{share(r.completed_ytd, r.annual_plan)}%"
                for r in rollup.rows
                if r.projects
            )
        )
    )
    year_end = datetime.date(plan_year.year, 12, 31)
    met: dict[str, list] = {}  # the milestone's words → [(project, reached percent or None)]
    missed: list[Clause] = []
    for m in _percent_milestones(plan_year):
        project = m.project_year.project
        words = _PERCENT_TAIL.sub("", m.title) or "完成总工程量的"
        if m.reached is not None and m.reached >= m.target_percent:
            met.setdefault(("percent", words), []).append((project, m.reached))
        else:
            got = "没有审核通过的进度" if m.reached is None else f"实际完成{_percent(m.reached)}"
            missed.append(Clause(f"{project.name}年度目标为{m.title}，{got}", [(project.code, project.name)], True))
    events = (
        Milestone.objects.filter(project_year__plan_year=plan_year, kind=MilestoneKind.EVENT)
        .select_related("project_year__project")
        # Met ones in the order they were met (then the plan's), as a review tells them.
        .order_by("met_on", "project_year__category__order", "pk")
    )
    for m in events:
        project = m.project_year.project
        if m.met_on is not None and m.met_on <= year_end:
            met.setdefault(("event", m.title), []).append((project, None))
        else:
            missed.append(Clause(f"{project.name}未按计划{m.title}", [(project.code, project.name)], True))
    for (kind, words), items in met.items():
        refs = [(p.code, p.name) for p, _ in items]
        if kind == "percent":
            # Each name pairs with its own percent (「分别」), so the names stay whole.
            percents = "、".join(_percent(v) for _, v in items)
            text = f"{'、'.join(p.name for p, _ in items)}{'分别' if len(items) > 1 else ''}{words}{percents}"
        else:
            text = f"{_names([p.name for p, _ in items])}{words}"
        clauses.append(Clause(text, refs))
    clauses.extend(missed)
    return clauses


def year_review_text(plan_year: PlanYear) -> str:
    clauses = year_review(plan_year)
    head, categories, *rest = clauses
    met = [c.text for c in rest if not c.missed]
    missed = [c.text for c in rest if c.missed]
    text = f"{head.text}。{categories.text}。"
    if met:
        text += "；".join(met) + "。"
    if missed:
        text += "未完成年度目标的：" + "；".join(missed) + "。"
    return text

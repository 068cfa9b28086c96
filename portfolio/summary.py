"""The plan paragraph of the county report (二（三）重大项目安排), generated from the project rows in
the report's style (projects.formatting: 亿元 with one decimal, a trailing ".0" dropped). The
dashboard and `manage.py plan_summary` share it."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Sum

from projects import formatting, rules
from projects.models import MONEY, Category, PlanYear

CENT = Decimal("0.01")
CHINESE_NUMERALS = "零一二三四五六七八九十"


def yi_yuan(wan: Decimal) -> str:
    """万元 → 亿元 as the report writes it in prose: 11545000.00 → 1154.5, 2220000.00 → 222."""
    return formatting.yi(wan, grouping=False, trim=True)


def share(part: Decimal, whole: Decimal) -> str:
    """A share in percent as the prose writes it (43.6); rules.percent, then one decimal."""
    value = rules.percent(part, whole)
    return "0" if value is None else formatting.points(value, trim=True)


def chinese_count(n: int) -> str:
    return CHINESE_NUMERALS[n] if 0 <= n <= 10 else str(n)


@dataclass
class CategoryFigures:
    name: str
    projects: int
    total_investment: Decimal
    annual_plan: Decimal
    government_investment: Decimal
    social_investment: Decimal


def plan_figures(plan_year: PlanYear) -> list[CategoryFigures]:
    """Count and sums of the year's projects per category (their rows in the year's plan, with
    the figures that plan states), in the report's order; one query.
    Categories without a project in the year are left out."""
    money = DecimalField(**MONEY)
    rows = (
        Category.objects.filter(project_years__plan_year=plan_year)
        .annotate(
            n=Count("project_years"),
            total=Sum("project_years__total_investment", output_field=money),
            annual=Sum("project_years__annual_plan", output_field=money),
            government=Sum("project_years__government_investment", output_field=money),
            social=Sum("project_years__social_investment", output_field=money),
        )
        .order_by("order")
    )

    def q(value) -> Decimal:  # SQLite sums may carry float noise
        return Decimal(value or 0).quantize(CENT)

    return [CategoryFigures(c.name, c.n, q(c.total), q(c.annual), q(c.government), q(c.social)) for c in rows]


def plan_summary_text(plan_year: PlanYear) -> str:
    """The plan paragraph, worded as the report words it. It is the document's Chinese text, not an
    interface string, so it is not translated."""
    figures = plan_figures(plan_year)
    n = sum(f.projects for f in figures)
    total = sum((f.total_investment for f in figures), Decimal("0"))
    annual = sum((f.annual_plan for f in figures), Decimal("0"))
    government = sum((f.government_investment for f in figures), Decimal("0"))
    social = sum((f.social_investment for f in figures), Decimal("0"))
    categories = "；".join(
        f"{f.name}{f.projects}个，总投资{yi_yuan(f.total_investment)}亿元，年度计划投资{yi_yuan(f.annual_plan)}亿元"
        for f in figures
    )
    return (
        f"{plan_year.year}年实施县级重大项目{n}个，总投资{yi_yuan(total)}亿元。"
        f"年度计划完成投资{yi_yuan(annual)}亿元，其中：政府性投资{yi_yuan(government)}亿元，"
        f"占比{share(government, total)}%，社会性投资{yi_yuan(social)}亿元，占比{share(social, total)}%。"
        f"项目分{chinese_count(len(figures))}类安排：{categories}。"
    )

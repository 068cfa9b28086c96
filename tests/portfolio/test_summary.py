"""The plan paragraph generated from the rows is the report's, character for character."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portfolio.summary import plan_summary_text, yi_yuan
from projects.models import Project
from tests.plan_2022 import REPORT_PARAGRAPH


def test_command_prints_the_reports_paragraph(plan_2022):
    out = StringIO()
    call_command("plan_summary", year=2022, stdout=out)
    assert out.getvalue() == REPORT_PARAGRAPH + "\n"


def test_text_comes_from_the_rows(plan_2022, django_assert_num_queries):
    Project.objects.filter(code="YY2022-ECO-007").delete()
    with django_assert_num_queries(1):
        text = plan_summary_text(plan_2022)
    assert text.startswith("2022年实施县级重大项目164个，")
    assert "重大生态项目6个，总投资10.2亿元，年度计划投资2.1亿元；" in text


def test_unknown_year_refused(plan_2022):
    with pytest.raises(CommandError, match="2030"):
        call_command("plan_summary", year=2030, stdout=StringIO())


@pytest.mark.parametrize(
    "wan, text",
    [
        ("2220000.00", "222"),
        ("759000.00", "75.9"),
        ("110000.00", "11"),
        ("11544500.00", "1154.5"),
        ("11544499.99", "1154.4"),
        ("0.00", "0"),
        ("999.00", "0.1"),
        ("5031000.00", "503.1"),
    ],
)
def test_yi_yuan_as_the_report_writes_it(wan, text):
    assert yi_yuan(Decimal(wan)) == text

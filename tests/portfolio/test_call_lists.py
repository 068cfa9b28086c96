"""The call lists as .xlsx: the missing-reports page's download and the overview's 需重点调度
download carry each unit's contact person and phone, write text as text (never a formula), and an
office gets its own unit's rows only. The pages link to them and print without their chrome."""

import io

import openpyxl
import pytest
from django.test import Client

from tests import factories

MISSING = "/admin/tools/missing-reports/"
ATTENTION = "/attention.xlsx"


@pytest.fixture
def world(project_a, project_b, unit_a, unit_b, office_a, office_b):
    """Both projects red and unreported at month 9; unit A's contact entered, unit B's not."""
    unit_a.contact_person, unit_a.contact_phone = "张伟", "023-55123456"
    unit_a.save()
    office_a.last_name, office_a.first_name, office_a.phone = "李", "娜", "13900000002"
    office_a.save()
    project_b.name = '=HYPERLINK("http://x","y")'
    project_b.save()
    return project_a, project_b


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    # The call lists are streamed from a temporary file (FileResponse).
    data = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(data))
    (sheet,) = book.worksheets
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


def test_missing_reports_download_has_person_and_phone_per_project(world, reviewer):
    project_a, project_b = world
    rows = sheet_rows(client_for(reviewer).get(MISSING, {"year": 2022, "month": 9, "_export": "xlsx"}))
    assert rows[0][0] == "2022年9月未报月度报表项目" and rows[1][0] == "共2个项目"
    assert rows[2] == (
        "责任单位",
        "联系人",
        "联系电话",
        "项目代码",
        "项目名称",
        "项目类别",
        "本月报表",
        "填报账号（电话）",
    )
    body = {r[3]: r for r in rows[3:]}
    assert body[project_a.code][:5] == ("县交通局", "张伟", "023-55123456", project_a.code, "江龙高速")
    assert body[project_a.code][6:] == ("未填报", "李娜 13900000002")
    # no contact entered: empty cells, and a name that looks like a formula stays text
    assert body[project_b.code][:5] == ("县水利局", None, None, project_b.code, project_b.name)


def test_missing_reports_download_says_draft_and_returned(world, office_a, reviewer):
    project_a, _ = world
    report = factories.row_of(project_a)
    from projects.models import ProgressReport, ReportStatus

    ProgressReport.objects.create(
        project_year=report, year=2022, month=9, investment_completed=1, physical_percent=1, status=ReportStatus.DRAFT
    )
    rows = sheet_rows(client_for(reviewer).get(MISSING, {"year": 2022, "month": 9, "_export": "xlsx"}))
    assert {r[3]: r[6] for r in rows[3:]}[project_a.code] == "草稿未提交"


def test_an_office_downloads_its_own_missing_reports_only(world, office_a):
    project_a, _ = world
    rows = sheet_rows(client_for(office_a).get(MISSING, {"year": 2022, "month": 9, "_export": "xlsx"}))
    assert [r[3] for r in rows[3:]] == [project_a.code]


def test_attention_download_lists_red_projects_with_whom_to_call(world, reviewer):
    project_a, project_b = world
    rows = sheet_rows(client_for(reviewer).get(ATTENTION, {"year": 2022}))
    assert rows[0][0].startswith("2022年需重点调度项目")
    assert rows[2][:6] == ("序号", "项目代码", "项目名称", "责任单位", "联系人", "联系电话")
    body = {r[1]: r for r in rows[3:]}
    assert set(body) == {project_a.code, project_b.code}
    assert body[project_a.code][2:6] == ("江龙高速", "县交通局", "张伟", "023-55123456")
    assert body[project_b.code][2] == project_b.name
    assert [r[0] for r in rows[3:]] == [1, 2]


def test_an_office_downloads_its_own_attention_list_only(world, office_a):
    project_a, _ = world
    rows = sheet_rows(client_for(office_a).get(ATTENTION, {"year": 2022}))
    assert [r[1] for r in rows[3:]] == [project_a.code]


def test_attention_download_needs_a_login(world):
    assert Client().get(ATTENTION).status_code == 302


def test_the_pages_link_the_downloads_and_a_print_button(world, reviewer, admin_user):
    overview = client_for(reviewer).get("/").content.decode().split('id="attention"')[1]
    assert 'id="attention-xlsx"' in overview and 'data-print="attention"' in overview
    missing = client_for(admin_user).get(MISSING, {"year": 2022, "month": 9}).content.decode()
    assert 'id="missing-xlsx"' in missing and "_export=xlsx" in missing and "@media print" in missing

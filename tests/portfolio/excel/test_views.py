"""The admin's schedule pages: upload → preview → apply, downloads, permissions."""

import io

from django.urls import reverse
from openpyxl import Workbook, load_workbook

from projects.models import ProgressReport


def workbook_bytes(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "dispatch.xlsx"
    return buffer


def test_upload_preview_then_apply(client, office_a, project_a):
    client.force_login(office_a)
    upload = workbook_bytes(
        [["项目代码", "填报月份", "本月完成投资", "累计形象进度（%）"], [project_a.code, "2022-03", 10, 20]]
    )
    page = client.post(reverse("schedules:import"), {"file": upload})
    assert page.status_code == 200
    assert project_a.code in page.content.decode()
    assert ProgressReport.objects.count() == 0  # the preview writes nothing
    token = page.context["token"]
    done = client.post(reverse("schedules:import"), {"token": token})
    assert done.status_code == 302
    assert ProgressReport.objects.count() == 1
    again = client.post(reverse("schedules:import"), {"token": token})  # a token is used once
    assert again.status_code == 302 and ProgressReport.objects.count() == 1


def test_preview_lists_problems_and_offers_no_apply(client, office_a, project_b):
    client.force_login(office_a)
    upload = workbook_bytes(
        [["项目代码", "填报月份", "本月完成投资", "累计形象进度（%）"], [project_b.code, "2022-03", 10, 20]]
    )
    page = client.post(reverse("schedules:import"), {"file": upload})
    body = page.content.decode()
    assert page.status_code == 200 and 'id="problems"' in body and 'name="token"' not in body


def test_hostile_upload_is_a_page_not_a_500(client, admin_user):
    client.force_login(admin_user)
    upload = io.BytesIO(b"PK\x03\x04 truncated")
    upload.name = "x.xlsx"
    page = client.post(reverse("schedules:import"), {"file": upload})
    assert page.status_code == 200 and 'id="problems"' in page.content.decode()


def test_leader_may_not_import(client, leader):
    client.force_login(leader)
    assert client.get(reverse("schedules:import")).status_code == 403


def test_export_and_template_download(client, office_a, project_a, project_b):
    client.force_login(office_a)
    response = client.get(reverse("schedules:export"), {"year": 2022, "month": 3})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    codes = {c.value for row in wb["项目计划表"].iter_rows() for c in row}
    assert project_a.code in codes and project_b.code not in codes  # an office sees its own projects
    response = client.get(reverse("schedules:template"))
    assert response.status_code == 200


def _preview(client, user, rows):
    client.force_login(user)
    page = client.post(reverse("schedules:import"), {"file": workbook_bytes(rows)})
    assert page.status_code == 200
    return page.context["token"]


HEADER = ["项目代码", "填报月份", "本月完成投资", "累计形象进度（%）"]


def test_a_preview_is_kept_in_the_database_and_applied_once(client, office_a, project_a):
    from portfolio.excel.previews import PreviewMsg
    from portfolio.models import ImportPreview

    token = _preview(client, office_a, [HEADER, [project_a.code, "2022-03", 10, 20]])
    assert ImportPreview.objects.filter(token=token, user=office_a, applied_at=None).exists()
    client.post(reverse("schedules:import"), {"token": token})
    again = client.post(reverse("schedules:import"), {"token": token}, follow=True)
    assert str(PreviewMsg.ALREADY_APPLIED) in [str(m) for m in again.context["messages"]]
    assert ProgressReport.objects.count() == 1


def test_another_users_token_is_refused(client, office_a, finance, project_a):
    from portfolio.excel.previews import PreviewMsg

    token = _preview(client, office_a, [HEADER, [project_a.code, "2022-03", 10, 20]])
    client.force_login(finance)
    page = client.post(reverse("schedules:import"), {"token": token}, follow=True)
    assert str(PreviewMsg.EXPIRED) in [str(m) for m in page.context["messages"]]
    assert ProgressReport.objects.count() == 0


def test_data_changed_after_the_preview_is_refused_and_nothing_written(client, office_a, finance, project_a):
    from portfolio.excel.importing import import_apply
    from portfolio.excel.previews import PreviewMsg

    rows = [HEADER, [project_a.code, "2022-03", 10, 20]]
    token = _preview(client, office_a, rows)
    # meanwhile someone else imports a different figure for the same month
    other = workbook_bytes([HEADER, [project_a.code, "2022-03", 99, 20]]).getvalue()
    assert import_apply(data=other, filename="other.xlsx", actor=finance).applied
    page = client.post(reverse("schedules:import"), {"token": token}, follow=True)
    assert str(PreviewMsg.CHANGED_MEANWHILE) in [str(m) for m in page.context["messages"]]
    assert [r.investment_completed for r in ProgressReport.objects.all()] == [99]


def test_a_preview_with_problems_keeps_nothing(client, office_a, project_b):
    from portfolio.models import ImportPreview

    assert _preview(client, office_a, [HEADER, [project_b.code, "2022-03", 10, 20]]) is None
    assert not ImportPreview.objects.exists()


def test_a_large_preview_shows_the_first_rows_and_problems_and_counts_all(
    client, office_a, finance, project_a, project_b, monkeypatch
):
    from portfolio.excel import views
    from portfolio.excel.importing import result

    monkeypatch.setattr(result, "SHOWN", 1)  # rows kept of each kind
    monkeypatch.setattr(views, "PROBLEMS_SHOWN", 1)
    client.force_login(finance)
    rows = [HEADER, [project_a.code, "2022-03", 10, 20], [project_b.code, "2022-03", 5, 30]]
    page = client.post(reverse("schedules:import"), {"file": workbook_bytes(rows)})
    body = page.content.decode()
    assert page.context["result"].counts["new"] == 2 and len(page.context["rows"]) == 1
    assert project_a.code in body and project_b.code not in body and 'id="rows-hidden"' in body
    # The row not shown is still part of what the apply must find: changed meanwhile, nothing is written.
    from portfolio.excel.importing import import_apply
    from portfolio.excel.previews import PreviewMsg

    other = workbook_bytes([HEADER, [project_b.code, "2022-03", 99, 30]]).getvalue()
    assert import_apply(data=other, filename="other.xlsx", actor=finance).applied
    done = client.post(reverse("schedules:import"), {"token": page.context["token"]}, follow=True)
    assert str(PreviewMsg.CHANGED_MEANWHILE) in [str(m) for m in done.context["messages"]]
    assert ProgressReport.objects.count() == 1

    client.force_login(office_a)  # two rows of another unit's project: two problems, one listed
    rows = [HEADER, [project_b.code, "2022-04", 10, 40], [project_b.code, "2022-05", 10, 50]]
    page = client.post(reverse("schedules:import"), {"file": workbook_bytes(rows)})
    body = page.content.decode()
    assert len(page.context["result"].problems) == 2 and page.context["problems_hidden"] == 1
    assert 'id="problems-hidden"' in body
    table = body[body.index('id="problems"') : body.index("</table>", body.index('id="problems"'))]
    assert table.count("<tr>") == 2  # the header and one problem

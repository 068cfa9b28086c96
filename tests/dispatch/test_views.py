"""The problem pages: who sees which problems, the filters, each step through the page (refusals
shown on the page, nothing written), the 问题清单 workbook, the overview's 「待协调问题」 block and
the project page's open problems, and the list's pinned query count."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dispatch.models import Problem, ProblemState
from dispatch.services import ProblemMsg

from .conftest import assigned, in_days, raised

PROBLEMS = "/problems/"


def listed(response) -> list[int]:
    return [row.record.pk for row in response.context["table"].paginated_rows]


@pytest.mark.parametrize("url", [PROBLEMS, "/problems/new/", "/problems/1/"])
def test_the_pages_need_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_office_lists_only_its_units_problems_and_cannot_open_others(
    client, project_a, project_b, office_a, office_b
):
    mine = raised(project_a, office_a)
    theirs = raised(project_b, office_b)
    client.force_login(office_a)
    response = client.get(PROBLEMS)
    assert listed(response) == [mine.pk]
    assert response.context["counts"]["open"] == 1
    assert client.get(f"/problems/{theirs.pk}/").status_code == 404
    assert client.post(f"/problems/{theirs.pk}/solve/", {"resolution": "x"}).status_code == 404
    # The unit filter offers its own unit only.
    assert list(response.context["filter"].filters["unit"].queryset) == [office_a.unit]


def test_filters_by_state_unit_leader_and_overdue(
    client, project_a, project_b, office_a, office_b, reviewer, leader, unit_b
):
    waiting = raised(project_a, office_a)
    late = assigned(project_b, office_b, reviewer, leader=leader)
    Problem.objects.filter(pk=late.pk).update(deadline=in_days(-3))
    client.force_login(reviewer)
    assert set(listed(client.get(PROBLEMS))) == {waiting.pk, late.pk}
    assert listed(client.get(PROBLEMS, {"state": "raised"})) == [waiting.pk]
    assert listed(client.get(PROBLEMS, {"overdue": "true"})) == [late.pk]
    assert listed(client.get(PROBLEMS, {"leader": leader.pk})) == [late.pk]
    assert listed(client.get(PROBLEMS, {"unit": unit_b.pk})) == [late.pk]
    page = client.get(PROBLEMS).content.decode()
    assert re.search(r'<tr [^>]*class="[^"]*\boverdue\b', page)  # the overdue row is red


def test_the_list_query_count_does_not_grow_with_rows(client, project_a, office_a, reviewer, django_assert_num_queries):
    client.force_login(reviewer)
    client.get(PROBLEMS)  # the CSRF cookie of the page's forms, as a browser keeps it
    for _ in range(3):
        assigned(project_a, office_a, reviewer)
    # session, user, the data token (a write since: the user's kept page is not served,
    # portfolio/page_cache.cached_page), groups (roles), leader choices, unit choices, counts, table
    # count, the page's ids (sorted over the problems alone: portfolio/paging.ShortRowsPaginator),
    # those rows with their project, units and leader
    with django_assert_num_queries(10):
        client.get(PROBLEMS)
    for _ in range(5):
        assigned(project_a, office_a, reviewer)
    with django_assert_num_queries(10):
        client.get(PROBLEMS)
    with django_assert_num_queries(3):  # nothing changed: session, user, the token
        client.get(PROBLEMS)


def test_the_list_pages_by_ids_in_the_whole_lists_order(client, project_a, project_b, office_a, office_b, reviewer):
    # Overdue first, then by deadline (an annotation and a column), and by the project's name (a
    # join): page 2 of 3 a page is the same slice of the whole sorted list.
    for days in (5, -3, 8, -1, 2, 9, -7):
        for project, office in ((project_a, office_a), (project_b, office_b)):
            problem = assigned(project, office, reviewer, days=abs(days))
            Problem.objects.filter(pk=problem.pk).update(deadline=in_days(days))  # past: overdue now
    client.force_login(reviewer)
    for sort in ("", "project", "-deadline"):
        whole = listed(client.get(PROBLEMS, {"sort": sort, "per_page": "100"}))
        paged = listed(client.get(PROBLEMS, {"sort": sort, "per_page": "3", "page": "2"}))
        assert len(whole) == 14 and paged == whole[3:6], sort
    first = listed(client.get(PROBLEMS, {"per_page": "6"}))
    assert set(first) == set(Problem.objects.filter(deadline__lt=in_days(0)).values_list("pk", flat=True))


def test_raise_from_a_report_hand_out_solve_and_close_through_the_pages(client, project_a, office_a, reviewer, leader):
    from tests.projects.admin_support import make_report

    report = make_report(project_a, office_a)
    report.problems = "征地拆迁滞后"
    report.save()
    client.force_login(office_a)
    form = client.get(f"/problems/new/?report={report.pk}")
    assert form.context["form"].initial["description"] == "征地拆迁滞后"
    assert "deadline" not in form.context["form"].fields  # an office does not hand out
    response = client.post(
        f"/problems/new/?report={report.pk}",
        {
            "project": project_a.pk,
            "report": report.pk,
            "type": "demolition",
            "description": "征地拆迁滞后",
        },
    )
    problem = Problem.objects.get()
    assert response.status_code == 302 and problem.report == report and problem.state == ProblemState.RAISED

    client.force_login(reviewer)
    page = client.get(f"/problems/{problem.pk}/")
    assert set(page.context["steps"]) == {"assign"}
    response = client.post(
        f"/problems/{problem.pk}/assign/",
        {
            "unit": project_a.responsible_unit.pk,
            "leader": leader.pk,
            "deadline": in_days(-1).isoformat(),
            "version": problem.version,
        },
    )
    assert response.status_code == 400
    assert str(ProblemMsg.DEADLINE_PAST) in response.content.decode()
    problem.refresh_from_db()
    assert problem.state == ProblemState.RAISED
    client.post(
        f"/problems/{problem.pk}/assign/",
        {
            "unit": project_a.responsible_unit.pk,
            "leader": leader.pk,
            "deadline": in_days(7).isoformat(),
            "version": problem.version,
        },
    )
    problem.refresh_from_db()
    assert (problem.state, problem.leader) == (ProblemState.ASSIGNED, leader)

    client.force_login(office_a)
    assert set(client.get(f"/problems/{problem.pk}/").context["steps"]) == {
        "start",
        "solve",
    }
    client.post(
        f"/problems/{problem.pk}/solve/",
        {"resolution": "完成征地补偿", "version": problem.version},
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.SOLVED
    # The office cannot close its own problem: the step is not offered and the post is refused.
    assert client.get(f"/problems/{problem.pk}/").context["steps"] == {}
    assert client.post(f"/problems/{problem.pk}/close/", {"version": problem.version}).status_code == 400
    problem.refresh_from_db()
    assert problem.state == ProblemState.SOLVED

    client.force_login(reviewer)
    client.post(
        f"/problems/{problem.pk}/close/",
        {"comment": "核实", "version": problem.version},
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED
    assert listed(client.get(PROBLEMS)) == []  # closed problems leave the default list
    assert listed(client.get(PROBLEMS, {"state": "closed"})) == [problem.pk]


def test_finance_may_not_raise(client, finance):
    client.force_login(finance)
    assert client.get("/problems/new/").status_code == 403


def test_the_problem_list_workbook(client, project_a, office_a, reviewer, leader):
    late = assigned(project_a, office_a, reviewer, leader=leader)
    Problem.objects.filter(pk=late.pk).update(deadline=in_days(-1), description='=HYPERLINK("x")')
    client.force_login(reviewer)
    response = client.get(PROBLEMS, {"_export": "xlsx"})
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["问题清单"]
    assert [c.value for c in ws[2]] == [
        "序号",
        "项目名称",
        "项目责任单位",
        "问题类型",
        "存在问题",
        "责任单位",
        "协调领导",
        "完成时限",
        "办理状态",
        "办理情况",
        "是否逾期",
    ]
    row = [c.value for c in ws[3]]
    assert row[0] == 1 and row[1] == project_a.name and row[4] == '=HYPERLINK("x")'
    assert ws.cell(row=3, column=5).data_type == "s"  # text, not a formula
    assert row[5] == project_a.responsible_unit.name and row[6] == "leader" and row[10] == "是"
    assert row[7] == in_days(-1).isoformat()


def test_overview_and_project_page_show_open_problems(client, project_a, project_b, office_a, office_b, reviewer):
    late = assigned(project_a, office_a, reviewer)
    Problem.objects.filter(pk=late.pk).update(deadline=in_days(-1))
    other = raised(project_b, office_b, description="资金缺口2000万元")
    client.force_login(reviewer)
    overview = client.get("/")
    assert [p.pk for p in overview.context["data"].problems] == [
        late.pk,
        other.pk,
    ]  # overdue first
    assert overview.context["data"].problem_counts["overdue"] == 1
    assert 'id="open-problems"' in overview.content.decode()
    client.force_login(office_b)
    assert [p.pk for p in client.get("/").context["data"].problems] == [other.pk]
    page = client.get(f"/projects/{project_b.code}/")
    assert [p.pk for p in page.context["data"].problems] == [other.pk]
    assert "资金缺口2000万元" in page.content.decode()


def test_the_raise_form_lists_a_bounded_search_of_the_users_projects(
    client, monkeypatch, reviewer, office_a, project_a, project_b, plan_year, categories, unit_a
):
    """A dispatcher sees every project (100,000 at province scale): the dropdown offers at most
    PROJECT_CHOICES_MAX, narrowed by ?q=, plus the chosen one; any visible project is accepted,
    and an office's list and search never show another unit's project."""
    from dispatch.forms import RaiseForm
    from tests.factories import ProjectFactory

    for i in range(4):
        ProjectFactory(
            plan_year=plan_year, category=categories[0], responsible_unit=unit_a, code=f"ZZ-{i}", name=f"末尾{i}"
        )
    monkeypatch.setattr(RaiseForm, "PROJECT_CHOICES_MAX", 3)
    client.force_login(reviewer)
    form = client.get("/problems/new/").context["form"]
    offered = [value for value, _label in form.fields["project"].widget.choices if value]
    assert len(offered) == 3 and form.more_projects
    page = client.get("/problems/new/", {"q": "末尾2"})
    assert [label for value, label in page.context["form"].fields["project"].widget.choices if value] == [
        "末尾2 (ZZ-2)"
    ]
    chosen = client.get("/problems/new/", {"project": project_b.pk, "q": "末尾"}).context["form"]
    assert project_b.pk in [value for value, _label in chosen.fields["project"].widget.choices]
    assert 'id="project-search"' in page.content.decode()

    client.force_login(office_a)
    for query in ({}, {"q": project_b.code}, {"project": project_b.pk}):
        html = client.get("/problems/new/", query).content.decode()
        assert project_b.name not in html

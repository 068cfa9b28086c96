"""Who to call: a unit's contact person and phone on the lists leaders act from, 挂钩领导 linked as
leader accounts (only by a reviewer, only leader accounts, recorded in the project's history), a
leader's 「我的项目」 page, and an office's overview saying which unit it shows."""

import pytest
from django.core.exceptions import ValidationError

from dispatch import services
from dispatch.services import ProblemMsg
from projects.roles import Role
from tests import factories

from .conftest import assigned, raised


@pytest.fixture
def contacts(unit_a, unit_b):
    unit_a.contact_person, unit_a.contact_phone = "张伟", "023-55123456"
    unit_a.save()
    return unit_a


def test_only_a_reviewer_links_leaders_and_only_leader_accounts(project_a, reviewer, leader, office_a, finance):
    with pytest.raises(ValidationError) as info:
        services.project_set_leaders(actor=office_a, project=project_a, leaders=[leader])
    assert str(ProblemMsg.NOT_ALLOWED) in info.value.messages
    with pytest.raises(ValidationError):
        services.project_set_leaders(actor=reviewer, project=project_a, leaders=[finance])
    assert list(project_a.leaders.all()) == []
    services.project_set_leaders(actor=reviewer, project=project_a, leaders=[leader])
    assert list(project_a.leaders.all()) == [leader]
    last = project_a.history.order_by("-history_date").first()
    assert last.history_user == reviewer and "leader" in last.history_change_reason


def test_my_page_lists_a_leaders_projects_flags_and_problems(
    client, project_a, project_b, reviewer, leader, office_a, office_b, leader2
):
    services.project_set_leaders(actor=reviewer, project=project_a, leaders=[leader])
    on_mine = raised(project_a, office_a)
    coordinated = assigned(project_b, office_b, reviewer, leader=leader)
    not_mine = assigned(project_b, office_b, reviewer, leader=leader2)
    client.force_login(leader)
    page = client.get("/my/")
    assert [r.project.code for r in page.context["rows"]] == [project_a.code]
    assert page.context["red"] == 1  # nothing reported at month 9: red
    assert {p.pk for p in page.context["problems"]} == {on_mine.pk, coordinated.pk}
    assert not_mine.pk not in {p.pk for p in page.context["problems"]}
    assert 'id="nav-my"' in page.content.decode()
    client.force_login(leader2)
    assert client.get("/my/").context["rows"] == []


def test_contact_person_and_phone_on_the_attention_list_the_project_and_missing_reports(
    client, contacts, project_a, reviewer, leader, admin_user
):
    leader.phone = "13800000001"
    leader.last_name, leader.first_name = "王", "明"
    leader.save()
    services.project_set_leaders(actor=reviewer, project=project_a, leaders=[leader])
    client.force_login(reviewer)
    overview = client.get("/").content.decode()
    attention = overview.split('id="attention"')[1]
    assert "张伟" in attention and "023-55123456" in attention
    page = client.get(f"/projects/{project_a.code}/").content.decode()
    assert "王明" in page and "13800000001" in page and "023-55123456" in page
    client.force_login(admin_user)
    missing = client.get("/admin/tools/missing-reports/?year=2022&month=9").content.decode()
    assert "张伟" in missing and "023-55123456" in missing


def test_a_reviewer_links_leaders_on_the_project_page(client, project_a, reviewer, leader, office_a):
    client.force_login(office_a)
    assert client.get(f"/projects/{project_a.code}/").context["leaders_form"] is None
    client.post(f"/projects/{project_a.code}/leaders/", {"leaders": [leader.pk]})
    assert list(project_a.leaders.all()) == []
    client.force_login(reviewer)
    client.post(f"/projects/{project_a.code}/leaders/", {"leaders": [leader.pk]})
    assert list(project_a.leaders.all()) == [leader]


def test_an_offices_overview_says_which_unit_it_shows(client, project_a, project_b, office_a, leader):
    client.force_login(office_a)
    page = client.get("/").content.decode()
    assert 'id="office-scope"' in page and "县交通局" in page.split('id="office-scope"')[1][:200]
    client.force_login(leader)
    assert 'id="office-scope"' not in client.get("/").content.decode()


def test_leader_accounts_only_in_leader_choices(db):
    from dispatch.forms import leader_accounts

    a = factories.UserFactory(username="l1", role=Role.LEADER)
    factories.UserFactory(username="r1", role=Role.REVIEWER)
    assert list(leader_accounts()) == [a]

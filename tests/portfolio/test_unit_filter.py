"""The filters by responsible unit and by location list their choices while they are few and take
part of a unit's name or of a location when they are more than settings.LIST_MAX_CHOICES: no page
grows with the number of units (a province has 1,000) or of locations. Links that choose a unit by
id keep working either way."""

import re

import pytest

from dispatch.models import Problem
from projects.models import ResponsibleUnit
from tests import factories
from tests.dispatch.conftest import assigned

PROJECTS = "/projects/"
PROBLEMS = "/problems/"


def codes(response) -> list[str]:
    return sorted(row.record.project.code for row in response.context["table"].paginated_rows)


def unit_field(html: str, name: str) -> str:
    """The filter form's element for the unit: a <select> with its options, or an <input>."""
    found = re.search(rf'<select[^>]*name="{name}".*?</select>|<input[^>]*name="{name}"[^>]*>', html, re.S)
    return found.group(0)


def more_units(n: int) -> None:
    ResponsibleUnit.objects.bulk_create(ResponsibleUnit(name=f"县第{i}局", code=f"u{i}") for i in range(n))


def test_few_units_are_listed_to_choose(client, leader, project_a, project_b):
    client.force_login(leader)
    field = unit_field(client.get(PROJECTS).content.decode(), "responsible_unit")
    assert field.startswith("<select") and "县交通局" in field and "县水利局" in field
    chosen = client.get(PROJECTS, {"responsible_unit": project_a.responsible_unit_id})
    assert codes(chosen) == [project_a.code]
    assert f'<option value="{project_a.responsible_unit_id}" selected>' in chosen.content.decode()
    # Part of a name in a hand-made URL filters too, and the page shows it in a box (not "all units").
    typed = client.get(PROJECTS, {"responsible_unit": "水利"})
    assert codes(typed) == [project_b.code]
    field = unit_field(typed.content.decode(), "responsible_unit")
    assert field.startswith("<input") and 'value="水利"' in field
    html = client.get(PROJECTS, {"responsible_unit": '"><b>x'}).content.decode()
    assert "<b>x" not in html and 'value="&quot;&gt;&lt;b&gt;x"' in html  # shown, escaped


def test_many_units_are_typed_and_the_page_does_not_grow(client, leader, settings, project_a, project_b):
    settings.LIST_MAX_CHOICES = 5
    client.force_login(leader)
    more_units(4)  # 6 units: one too many to list
    few = client.get(PROJECTS).content.decode()
    field = unit_field(few, "responsible_unit")
    assert field.startswith("<input") and 'type="search"' in field and "县第0局" not in few
    ResponsibleUnit.objects.bulk_create(ResponsibleUnit(name=f"市第{i}局", code=f"s{i}") for i in range(40))
    many = client.get(PROJECTS).content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert len(strip.sub("", many)) == len(strip.sub("", few))  # 46 units: the same page as 6
    # Part of a name finds the unit's projects; a unit chosen by id (a link) still filters and the
    # box shows the unit's name; an id of no unit says so on the field.
    assert codes(client.get(PROJECTS, {"responsible_unit": "交通"})) == [project_a.code]
    assert codes(client.get(PROJECTS, {"responsible_unit": " 水利 "})) == [project_b.code]
    assert codes(client.get(PROJECTS, {"responsible_unit": "没有这个单位"})) == []
    by_id = client.get(PROJECTS, {"responsible_unit": project_b.responsible_unit_id})
    assert codes(by_id) == [project_b.code]
    assert 'value="县水利局"' in unit_field(by_id.content.decode(), "responsible_unit")
    unknown = client.get(PROJECTS, {"responsible_unit": "999999"})
    assert unknown.status_code == 200 and codes(unknown) == []
    assert "999999" in unknown.content.decode() and 'class="errorlist"' in unknown.content.decode()


def test_an_office_is_offered_its_own_unit_only(client, office_a, settings, project_a, project_b):
    settings.LIST_MAX_CHOICES = 1
    more_units(3)
    client.force_login(office_a)
    field = unit_field(client.get(PROJECTS).content.decode(), "responsible_unit")
    assert field.startswith("<select") and "县交通局" in field and "县水利局" not in field
    # Another unit's id is no unit it may choose.
    response = client.get(PROJECTS, {"responsible_unit": project_b.responsible_unit_id})
    assert codes(response) == [] and 'class="errorlist"' in response.content.decode()


def test_the_problem_ledger_types_many_units_too(client, reviewer, settings, project_a, project_b, office_a, office_b):
    assigned(project_a, office_a, reviewer)
    assigned(project_b, office_b, reviewer)
    client.force_login(reviewer)
    assert unit_field(client.get(PROBLEMS).content.decode(), "unit").startswith("<select")
    settings.LIST_MAX_CHOICES = 1
    field = unit_field(client.get(PROBLEMS).content.decode(), "unit")
    assert field.startswith("<input") and 'type="search"' in field
    listed = client.get(PROBLEMS, {"unit": "水利"}).context["table"].paginated_rows
    assert [row.record for row in listed] == list(Problem.objects.filter(project=project_b))


@pytest.mark.parametrize(
    ("url", "parameter", "row_of"),
    [
        ("/admin/projects/project/", "responsible_unit__id__exact", lambda project: project),
        ("/admin/projects/projectyear/", "project__responsible_unit__id__exact", factories.row_of),
    ],
)
def test_the_admin_lists_few_units_and_searches_by_name_beyond(
    client, admin_user, settings, project_a, project_b, url, parameter, row_of
):
    client.force_login(admin_user)
    listed = client.get(url).content.decode()
    assert f"?{parameter}={project_a.responsible_unit_id}" in listed
    settings.LIST_MAX_CHOICES = 1
    page = client.get(url)
    assert parameter not in page.content.decode()  # not listed: the filter is not shown
    found = client.get(url, {"q": "交通"})
    assert list(found.context["cl"].result_list) == [row_of(project_a)]
    chosen = client.get(url, {parameter: project_b.responsible_unit_id})  # a link by id still filters
    assert list(chosen.context["cl"].result_list) == [row_of(project_b)]


def test_many_locations_are_typed(client, leader, settings, plan_year, categories, unit_a):
    for code, location in (("L-1", "南溪镇"), ("L-2", "南溪镇、北城街道"), ("L-3", "北城街道"), ("L-4", "江口镇")):
        factories.ProjectFactory(
            plan_year=plan_year, category=categories[0], responsible_unit=unit_a, code=code, location=location
        )
    client.force_login(leader)
    # Listed (4 locations, the bound 4): a choice is that location exactly; other text (a hand-made
    # URL) is part of one, shown in a box.
    settings.LIST_MAX_CHOICES = 4
    assert unit_field(client.get(PROJECTS).content.decode(), "location").startswith("<select")
    chosen = client.get(PROJECTS, {"location": "南溪镇"})
    assert codes(chosen) == ["L-1"]
    assert '<option value="南溪镇" selected>' in unit_field(chosen.content.decode(), "location")
    part = client.get(PROJECTS, {"location": "北城"})
    assert codes(part) == ["L-2", "L-3"]
    assert 'value="北城"' in unit_field(part.content.decode(), "location")
    # One more than the bound: typed, part of a location; the box keeps what was typed.
    settings.LIST_MAX_CHOICES = 3
    typed = client.get(PROJECTS, {"location": "南溪"})
    assert codes(typed) == ["L-1", "L-2"]
    field = unit_field(typed.content.decode(), "location")
    assert field.startswith("<input") and 'value="南溪"' in field and "江口镇" not in typed.content.decode()


def test_a_problem_is_handed_to_a_unit_typed_when_units_are_many(
    client, reviewer, settings, project_a, project_b, office_a
):
    from dispatch.models import ProblemState
    from tests.dispatch.conftest import in_days, raised

    problem = raised(project_a, office_a)
    client.force_login(reviewer)
    page = client.get(f"/problems/{problem.pk}/").content.decode()
    assert unit_field(page, "unit").startswith("<select")  # two units: listed
    settings.LIST_MAX_CHOICES = 1
    field = unit_field(client.get(f"/problems/{problem.pk}/").content.decode(), "unit")
    assert field.startswith("<input") and "县水利局" not in field

    def assign(unit):
        problem.refresh_from_db()
        data = {"unit": unit, "deadline": in_days(7).isoformat(), "version": problem.version}
        return client.post(f"/problems/{problem.pk}/assign/", data)

    # Several units or none match: the field says so, and nothing is handed out.
    several = assign("局")
    assert several.status_code == 400 and "县交通局、县水利局" in several.content.decode()
    none = assign("没有这个单位")
    assert none.status_code == 400 and "“没有这个单位”" in none.content.decode()
    problem.refresh_from_db()
    assert problem.state == ProblemState.RAISED
    # One unit's name, or part of it that only one unit has: handed to that unit.
    assert assign("水利").status_code == 302
    problem.refresh_from_db()
    assert (problem.state, problem.unit) == (ProblemState.ASSIGNED, project_b.responsible_unit)
    # The form shows the unit chosen by its name, and takes it back as it is shown.
    shown = unit_field(client.get(f"/problems/{problem.pk}/").content.decode(), "unit")
    assert 'value="县水利局"' in shown
    assert assign("县水利局").status_code == 302


def test_the_admins_project_form_types_the_unit_but_for_an_office(client, admin_user, office_a, project_a, project_b):
    more_units(30)
    url = f"/admin/projects/project/{project_a.pk}/change/"
    client.force_login(admin_user)
    form = client.get(url).content.decode()
    select = re.search(r'<select[^>]*name="responsible_unit".*?</select>', form, re.S).group(0)
    assert "admin-autocomplete" in select and select.count("<option") <= 2 and "县第7局" not in select
    client.force_login(office_a)
    form = client.get(url).content.decode()
    select = re.search(r'<select[^>]*name="responsible_unit".*?</select>', form, re.S).group(0)
    assert "admin-autocomplete" not in select and "县交通局" in select and "县水利局" not in select


def test_the_admins_add_form_prefills_a_unit_by_id_and_ignores_what_is_no_id(client, admin_user, project_a):
    client.force_login(admin_user)
    unit = project_a.responsible_unit
    prefilled = client.get("/admin/projects/project/add/", {"responsible_unit": unit.pk}).content.decode()
    select = re.search(r'<select[^>]*name="responsible_unit".*?</select>', prefilled, re.S).group(0)
    assert f'<option value="{unit.pk}" selected>{unit.name}</option>' in select
    for odd in ("²", "9" * 30, "1,2"):
        for name in ("responsible_unit", "owner_unit"):
            assert client.get("/admin/projects/project/add/", {name: odd}).status_code == 200, (name, odd)
        # a NUL is refused before any page reads it (config/parameters.py)
        assert client.get("/admin/projects/project/add/", {name: "a\x00b"}).status_code == 400

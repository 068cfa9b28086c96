"""One named user per role, two units with a project each, on a 2022 plan year."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command

from projects.models import PlanYear
from projects.roles import Role
from tests import factories


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with the pages' cache empty: a test's writes are rolled back, and on
    PostgreSQL the data token the tests use (portfolio/freshness.py, _PG_AT_WRITE) does not come
    back with them, so a fragment cached under it could otherwise outlive its data."""
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Files the application writes (export jobs) go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture
def plan_year(db):
    return factories.PlanYearFactory(year=2022)


@pytest.fixture
def plan_2022(db):
    """The whole 2022 plan as `setup_demo` loads it: fixtures/plan_2022.json, 165 projects."""
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "plan_2022.json", verbosity=0)
    return PlanYear.objects.get(year=2022)


@pytest.fixture
def categories(db):
    return factories.categories()


@pytest.fixture
def unit_a(db):
    return factories.ResponsibleUnitFactory(name="县交通局", code="jtj")


@pytest.fixture
def unit_b(db):
    return factories.ResponsibleUnitFactory(name="县水利局", code="slj")


@pytest.fixture
def project_a(plan_year, categories, unit_a):
    return factories.ProjectFactory(
        plan_year=plan_year, category=categories[5], responsible_unit=unit_a, code="YY2022-REG-001", name="江龙高速"
    )


@pytest.fixture
def project_b(plan_year, categories, unit_b):
    return factories.ProjectFactory(
        plan_year=plan_year, category=categories[5], responsible_unit=unit_b, code="YY2022-REG-002", name="大堰滩水库"
    )


@pytest.fixture
def year_a(project_a):
    """project_a's row in the 2022 plan."""
    return factories.row_of(project_a)


@pytest.fixture
def year_b(project_b):
    return factories.row_of(project_b)


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(username="admin", role=Role.ADMIN, is_superuser=True)


@pytest.fixture
def reviewer(db):
    return factories.UserFactory(username="reviewer", role=Role.REVIEWER)


@pytest.fixture
def reviewer2(db):
    return factories.UserFactory(username="reviewer2", role=Role.REVIEWER)


@pytest.fixture
def leader(db):
    return factories.UserFactory(username="leader", role=Role.LEADER)


@pytest.fixture
def finance(db):
    return factories.UserFactory(username="finance", role=Role.FINANCE)


@pytest.fixture
def office_a(unit_a):
    return factories.UserFactory(username="office_a", role=Role.OFFICE, unit=unit_a)


@pytest.fixture
def office_b(unit_b):
    return factories.UserFactory(username="office_b", role=Role.OFFICE, unit=unit_b)

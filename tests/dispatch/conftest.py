"""Named leaders and a helper that builds a problem in a given state through the services."""

import datetime

import pytest
from django.utils import timezone

from dispatch import services
from dispatch.models import ProblemType
from projects.roles import Role
from tests import factories


@pytest.fixture
def leader2(db):
    return factories.UserFactory(username="leader2", role=Role.LEADER, first_name="李", last_name="县长")


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def raised(project, actor, **kwargs):
    kwargs.setdefault("type", ProblemType.LAND)
    kwargs.setdefault("description", "征地拆迁滞后，影响路基施工")
    return services.problem_raise(actor=actor, project=project, **kwargs)


def assigned(project, office, reviewer, *, unit=None, leader=None, days=10):
    problem = raised(project, office)
    return services.problem_assign(
        actor=reviewer,
        problem=problem,
        unit=unit or project.responsible_unit,
        leader=leader,
        deadline=in_days(days),
    )

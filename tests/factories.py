"""factory_boy factories for the domain; tests build only the rows they need."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from projects.models import (
    Category,
    CategoryCode,
    Milestone,
    MilestoneKind,
    OwnerUnit,
    PlanYear,
    PlanYearStatus,
    Project,
    ProjectYear,
    ResponsibleUnit,
    Source,
    Stage,
    User,
)

CATEGORY_ROWS = [
    (CategoryCode.INDUSTRY, "重大产业项目", "Major industrial projects"),
    (CategoryCode.RURAL, "重大乡村振兴项目", "Major rural-revitalisation projects"),
    (CategoryCode.URBAN, "重大城市提升项目", "Major urban-improvement projects"),
    (CategoryCode.ECOLOGY, "重大生态项目", "Major ecological projects"),
    (CategoryCode.LIVELIHOOD, "重大民生项目", "Major livelihood projects"),
    (CategoryCode.REGIONAL, "重大区域协调发展项目", "Major regional-coordination projects"),
]


def categories() -> list[Category]:
    """The six categories, created once per test database."""
    return [
        Category.objects.get_or_create(code=code, defaults={"name": name, "name_en": en, "order": i})[0]
        for i, (code, name, en) in enumerate(CATEGORY_ROWS, start=1)
    ]


class PlanYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanYear
        django_get_or_create = ("year",)

    year = 2022
    title = factory.LazyAttribute(lambda o: f"云阳县{o.year}年县级重大项目计划")
    status = PlanYearStatus.ADOPTED
    declared_projects = 0
    declared_total_investment = Decimal("0")
    declared_annual_plan = Decimal("0")
    declared_government_investment = Decimal("0")
    declared_social_investment = Decimal("0")
    reporting_month = 9


class ResponsibleUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsibleUnit
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"县测试局{n}")
    code = factory.Sequence(lambda n: f"unit{n}")


class OwnerUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OwnerUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"云阳县测试公司{n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project's identity and, unless plan_year=None, its row in that year's plan (the year's
    fields are parameters: category, stage, completed_before_year, annual_plan, annual_target).
    The row is `project.years.get()`, or ProjectYearFactory for more years."""

    class Meta:
        model = Project

    # The year's fields: taken off in _create, not fields of Project.
    plan_year = factory.SubFactory(PlanYearFactory)
    category = factory.LazyFunction(lambda: categories()[0])
    stage = Stage.CONTINUING
    completed_before_year = Decimal("1000.00")
    annual_plan = Decimal("1200.00")
    annual_target = ""

    code = factory.Sequence(lambda n: f"YY2022-TST-{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"测试项目{n}")
    location = "双江街道"
    start_year = 2021
    end_year = 2023
    owner_unit = factory.SubFactory(OwnerUnitFactory)
    responsible_unit = factory.SubFactory(ResponsibleUnitFactory)
    government_investment = Decimal("6000.00")
    social_investment = Decimal("4000.00")
    total_investment = factory.LazyAttribute(lambda o: o.government_investment + o.social_investment)
    source = Source.PLACEHOLDER

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        plan_year=None,
        category=None,
        stage=None,
        completed_before_year=None,
        annual_plan=None,
        annual_target="",
        **kwargs,
    ):
        project = super()._create(model_class, *args, **kwargs)
        if plan_year is not None:
            ProjectYear.objects.create(
                project=project,
                plan_year=plan_year,
                category=category,
                stage=stage,
                completed_before_year=completed_before_year,
                annual_plan=annual_plan,
                annual_target=annual_target,
                total_investment=project.total_investment,
                government_investment=project.government_investment,
                social_investment=project.social_investment,
            )
        return project


class ProjectYearFactory(factory.django.DjangoModelFactory):
    """A project's row in a further year's plan, with the identity's money."""

    class Meta:
        model = ProjectYear

    project = factory.SubFactory(ProjectFactory, plan_year=None)
    plan_year = factory.SubFactory(PlanYearFactory)
    category = factory.LazyFunction(lambda: categories()[0])
    stage = Stage.CONTINUING
    total_investment = factory.LazyAttribute(lambda o: o.project.total_investment)
    government_investment = factory.LazyAttribute(lambda o: o.project.government_investment)
    social_investment = factory.LazyAttribute(lambda o: o.project.social_investment)
    completed_before_year = Decimal("1000.00")
    annual_plan = Decimal("1200.00")


def row_of(project: Project, year: int = 2022) -> ProjectYear:
    """The project's row in the year's plan."""
    return project.years.select_related("plan_year", "category").get(plan_year__year=year)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project_year = factory.SubFactory(ProjectYearFactory)
    kind = MilestoneKind.PERCENT
    title = "完成总工程量的58%"
    target_percent = Decimal("58")
    due_date = factory.Faker(
        "date_between_dates",
        date_start=__import__("datetime").date(2022, 12, 31),
        date_end=__import__("datetime").date(2022, 12, 31),
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")
    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        if create:
            self.save()

"""The plan sheet: one row per project, by project code. Read, checked against the database
without writing, then applied through projects.services one project at a time."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from dispatch import services as dispatch_services
from dispatch.permissions import can_dispatch
from dispatch.selectors import person
from projects import plan_versions, services
from projects.models import Category, OwnerUnit, PlanYear, Project, ProjectYear, ResponsibleUnit, Stage
from projects.permissions import owns_project

from ..headers import Header
from ..parsing import Problem, is_blank, match_key, normalize_text, parse_money, parse_period, parse_text
from ..reading import Sheet
from .limits import limit_errors
from .result import ImportResult, RowPreview
from .sheets import ERROR, _category_in, _Cell, _SheetReader, heading_category
from .vocabulary import (
    LEADER_SEPARATORS,
    PLAN_FIELDS_ORDER,
    PLAN_MONEY,
    PLAN_TEXT,
    STAGE_LABELS,
    STAGE_WORDS,
    ImportMsg,
)


@dataclass
class _PlanRow:
    sheet: str
    row: int
    code: str
    values: dict
    columns: dict  # model field → Column for problems


def _read_plan(sheet: Sheet, header: Header, problems: list, refs: dict) -> list[_PlanRow]:
    reader = _SheetReader(sheet, header, problems)
    categories = refs["categories"]
    current_category = None
    rows = []
    for r, row, texts in reader.data_rows():
        if row is None:
            found = _category_in(texts, categories)
            if found:
                current_category = found
            continue
        cell = _Cell(sheet, header, r)
        before = len(problems)
        code = reader.code(row)
        if not code:
            found = heading_category(texts, categories)
            if found:
                current_category = found
                continue
            problems.append(cell.problem("code", ImportMsg.CODE_MISSING))
            continue
        values = {}
        for name, max_length in PLAN_TEXT.items():
            if reader.has(name):
                values[name] = reader.read(r, row, name, parse_text, max_length=max_length)
        for name in PLAN_MONEY:
            if reader.has(name):
                amount = reader.read(r, row, name, parse_money)
                values[name] = Decimal("0.00") if amount is None else amount
        if reader.has("period"):
            period = reader.read(r, row, "period", parse_period)
            if period not in (None, ERROR):
                values["start_year"], values["end_year"] = period
        if reader.has("category") and not is_blank(reader.value(row, "category")):
            category = _category_in(normalize_text(reader.value(row, "category")), categories)
            if category is None:
                problems.append(
                    cell.problem(
                        "category",
                        ImportMsg.UNKNOWN_CATEGORY % {"names": "、".join(c.name for c in categories)},
                        reader.value(row, "category"),
                    )
                )
            else:
                values["category"] = category
        elif current_category is not None:
            values["category"] = current_category
        if reader.has("stage") and not is_blank(reader.value(row, "stage")):
            text = normalize_text(reader.value(row, "stage"))
            stage = STAGE_WORDS.get(text) or (text if text in Stage.values else None)
            if stage is None:
                problems.append(
                    cell.problem("stage", ImportMsg.UNKNOWN_STAGE % {"names": "、".join(STAGE_LABELS.values())}, text)
                )
            else:
                values["stage"] = stage
        if reader.has("responsible_unit") and not is_blank(reader.value(row, "responsible_unit")):
            text = normalize_text(reader.value(row, "responsible_unit"))
            unit = refs["units"].get(match_key(text))
            if unit is None:
                problems.append(cell.problem("responsible_unit", ImportMsg.UNKNOWN_UNIT, text))
            else:
                values["responsible_unit"] = unit
        if reader.has("leader"):
            # 挂钩领导 links leader accounts; a blank cell unlinks them all.
            text = "" if is_blank(reader.value(row, "leader")) else normalize_text(reader.value(row, "leader"))
            leaders = []
            for name in (n.strip() for n in LEADER_SEPARATORS.split(text)):
                if not name:
                    continue
                user = refs["leaders"].get(match_key(name))
                if user is None:
                    problems.append(cell.problem("leader", ImportMsg.UNKNOWN_LEADER % {"name": name}, text))
                elif user not in leaders:
                    leaders.append(user)
            values["leaders"] = leaders
        if reader.has("owner_unit") and not is_blank(reader.value(row, "owner_unit")):
            # a name, stored as written; found through its matching key later
            values["owner_unit"] = parse_text(reader.value(row, "owner_unit"))
            for message in limit_errors(OwnerUnit, "name", values["owner_unit"]):
                problems.append(cell.problem("owner_unit", message, values["owner_unit"]))
        if len(problems) > before or any(v is ERROR for v in values.values()):
            continue
        rows.append(_PlanRow(sheet=sheet.name, row=r + 1, code=code, values=values, columns=header.columns))
    return rows


_PLAN_FIELD_COLUMN = {"start_year": "period", "end_year": "period", "leaders": "leader"}


def _plan_problem(row: _PlanRow, field_name: str, message) -> Problem:
    column = row.columns.get(_PLAN_FIELD_COLUMN.get(field_name, field_name))
    value = row.values.get(field_name, "")
    if isinstance(value, list):
        value = _display(value)
    return Problem(
        message=str(message),
        sheet=row.sheet,
        row=row.row,
        column=column.letter if column else "",
        header=column.header if column else "",
        value="" if value is None else str(value),
    )


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (OwnerUnit, ResponsibleUnit, Category)):
        return value.name
    if isinstance(value, list):  # 挂钩领导
        return "、".join(person(u) for u in value)
    if value in STAGE_LABELS:
        return STAGE_LABELS[value]
    return str(value)


def _field_label(name: str) -> str:
    model = ProjectYear if name in services.PROJECT_YEAR_FIELDS else Project
    return str(model._meta.get_field(name).verbose_name)


def _same(old, new) -> bool:
    if isinstance(new, list):  # 挂钩领导: the same accounts, whatever the order
        return {u.pk for u in old} == {u.pk for u in new}
    if isinstance(new, OwnerUnit):
        return new.pk is not None and new.pk == getattr(old, "pk", None)
    if hasattr(old, "pk"):
        return getattr(new, "pk", None) == old.pk
    if isinstance(old, str):
        return old == new or old.strip() == new  # a cell's surrounding spaces are not a change
    return old == new


def _linked(project) -> list:
    if project is None:
        return []
    return sorted(project.leaders.all(), key=lambda u: (person(u), u.pk))


def _check_plan(
    *, actor, plan_year: PlanYear, rows: list[_PlanRow], problems: list, result: ImportResult, owners: dict
):
    """_check_rows, the rows' previews handed to the result once each one's fate is settled."""
    previews: list[RowPreview] = []
    try:
        return _check_rows(
            actor=actor, plan_year=plan_year, rows=rows, problems=problems, previews=previews, owners=owners
        )
    finally:
        for preview in previews:
            result.add_row(preview)


def _check_rows(*, actor, plan_year: PlanYear, rows: list[_PlanRow], problems: list, previews: list, owners: dict):
    """Every row's fate without writing. A row is a project's identity (matched by code, whatever
    year it was first planned in) and its row in this year's plan; the todo list holds (row,
    project or None, its row in the year or None, identity changes, the year's changes)."""
    existing = {
        p.code: p
        for p in Project.objects.filter(code__in=[r.code for r in rows])
        .select_related("owner_unit", "responsible_unit")
        .prefetch_related("leaders")
    }
    in_year = {
        y.project_id: y
        for y in ProjectYear.objects.filter(plan_year=plan_year, project__in=list(existing.values())).select_related(
            "category"
        )
    }
    seen = {}
    todo = []
    for row in rows:
        preview = RowPreview(sheet=row.sheet, row=row.row, kind="plan", code=row.code, name=row.values.get("name", ""))
        previews.append(preview)
        if row.code in seen:
            problems.append(_plan_problem(row, "code", ImportMsg.DUPLICATE_CODE % {"row": seen[row.code]}))
            preview.status = "error"
            continue
        seen[row.code] = row.row
        values = dict(row.values)
        if "owner_unit" in values:
            name = values["owner_unit"]
            values["owner_unit"] = owners.get(match_key(name)) or OwnerUnit(name=name)
        identity = {k: v for k, v in values.items() if k in services.PROJECT_FIELDS}
        yearly = {k: v for k, v in values.items() if k in services.PROJECT_YEAR_FIELDS}
        project = existing.get(row.code)
        year_row = in_year.get(project.pk) if project is not None else None
        errors: dict = {}
        candidate = (
            Project(code=row.code)
            if project is None
            else Project(**{f.attname: getattr(project, f.attname) for f in Project._meta.concrete_fields})
        )
        for name, value in identity.items():
            setattr(candidate, name, value)
        year_candidate = (
            ProjectYear(plan_year=plan_year)
            if year_row is None
            else ProjectYear(**{f.attname: getattr(year_row, f.attname) for f in ProjectYear._meta.concrete_fields})
        )
        for name, value in yearly.items():
            setattr(year_candidate, name, value)
        if project is not None and not owns_project(actor, project):
            errors["code"] = [services.ServiceMsg.NOT_YOURS]
        elif not owns_project(actor, candidate):  # an office cannot hand a project to another unit
            errors["responsible_unit" if "responsible_unit" in values else "code"] = [services.ServiceMsg.NOT_YOURS]
        else:
            exclude = ["version"]
            if candidate.owner_unit_id is None and "owner_unit" in values:
                exclude.append("owner_unit")
            try:
                if candidate.government_investment + candidate.social_investment != candidate.total_investment:
                    raise ValidationError({"social_investment": [services.ServiceMsg.FUNDING_SPLIT]})
                candidate.full_clean(exclude=exclude, validate_constraints=False, validate_unique=False)
                if year_row is not None or "category" in yearly:
                    # The year's total and split follow the identity (services.FOLLOWED_FIELDS).
                    year_candidate.full_clean(
                        exclude=["version", "project", "plan_version", *services.FOLLOWED_FIELDS],
                        validate_constraints=False,
                        validate_unique=False,
                    )
            except (ValidationError, TypeError) as exc:
                errors = (
                    exc.message_dict
                    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict")
                    else {"": [str(m) for m in getattr(exc, "messages", [str(exc)])]}
                )
        if errors:
            preview.status = "error"
            for name, messages in errors.items():
                for message in messages:
                    problems.append(_plan_problem(row, name if name != "__all__" else "", message))
            continue
        if year_row is None and "category" not in yearly:
            preview.status = "error"
            problems.append(_plan_problem(row, "category", ImportMsg.CATEGORY_MISSING))
            continue
        identity_changed, year_changed = {}, {}
        for name in PLAN_FIELDS_ORDER:
            if name not in values:
                continue
            new = values[name]
            if name == "leaders":
                old = _linked(project)
                if _same(old, new):
                    continue
                if not can_dispatch(actor):  # who follows a project is the dispatcher's to say
                    errors = {"leaders": [ImportMsg.LEADERS_NOT_YOURS]}
                    break
                identity_changed[name] = new
            elif name in identity:
                old = getattr(project, name) if project is not None else None
                if project is not None and _same(old, new):
                    continue
                identity_changed[name] = new
            else:
                old = getattr(year_row, name) if year_row is not None else None
                if year_row is not None and _same(old, new):
                    continue
                year_changed[name] = new
            preview.changes.append((_field_label(name), "" if old is None else _display(old), _display(new)))
        if errors:
            preview.status = "error"
            for name, messages in errors.items():
                for message in messages:
                    problems.append(_plan_problem(row, name, message))
            continue
        if project is None:
            identity_changed["code"] = row.code
        if identity_changed or year_changed or year_row is None:
            preview.status = "new" if year_row is None else "changed"
            todo.append((row, project, year_row, identity_changed, year_changed))
    return todo


def _apply_plan_rows(*, actor, plan_year, todo, problems, reason, adjustment=None):
    """Apply the checked rows. With `adjustment` (name, date), the rows' annual figures become one
    new version of the adopted plan (plan_versions.plan_adjust), written after the other changes."""
    created_owners = {}
    figures: dict[int, dict] = {}
    for row, project, year_row, values, yearly in todo:
        if adjustment is not None and year_row is not None:
            versioned = {f: yearly.pop(f) for f in plan_versions.VERSIONED_FIELDS if f in yearly}
            if versioned:
                figures[year_row.pk] = versioned
        values = dict(values)
        leaders = values.pop("leaders", None)
        owner = values.get("owner_unit")
        if isinstance(owner, OwnerUnit) and owner.pk is None:
            # one new unit for a name spelled two ways in the file (full- and half-width brackets)
            key = match_key(owner.name)
            if key not in created_owners:
                created_owners[key], _ = OwnerUnit.objects.get_or_create(name=owner.name)
            values["owner_unit"] = created_owners[key]
        try:
            with transaction.atomic():
                if project is None:
                    project = services.project_create(actor=actor, reason=reason, **values)
                elif values:
                    project = services.project_update(
                        actor=actor, project=project, expected_version=project.version, reason=reason, **values
                    )
                if leaders is not None:  # only a change (_check_plan), recorded in the project's history
                    project = dispatch_services.project_set_leaders(actor=actor, project=project, leaders=leaders)
                if year_row is None:
                    services.project_year_create(
                        actor=actor, project=project, plan_year=plan_year, reason=reason, **yearly
                    )
                elif yearly:
                    services.project_year_update(
                        actor=actor, project_year=year_row, expected_version=year_row.version, reason=reason, **yearly
                    )
        except ValidationError as exc:  # a rule only the service sees (a concurrent change, a lock)
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            for name, messages in errors.items():
                for message in messages:
                    problems.append(_plan_problem(row, name if name != "__all__" else "", message))
    if adjustment is not None and figures and not problems:
        name, date = adjustment
        try:
            plan_versions.plan_adjust(actor=actor, plan_year=plan_year, name=name, date=date, figures=figures)
        except ValidationError as exc:
            problems.extend(Problem(message=str(m)) for m in exc.messages)

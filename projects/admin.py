"""The Django admin for the county's project list. Every list, form, choice and action is
narrowed to what the user's role and unit may see (ScopedAdmin), and every save goes through
projects.services, so the admin never re-implements a rule and a refusal is a form error."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import csrf_protect_m
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import construct_instance
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from . import services
from .models import (
    Category,
    CategoryPlan,
    Milestone,
    MilestoneKind,
    OwnerUnit,
    PlanYear,
    ProgressReport,
    Project,
    ReportStatus,
    ResponsibleUnit,
    User,
)
from .permissions import owns_project, visible_milestones, visible_projects, visible_reports
from .roles import Role, can_edit_plan, can_report, can_review, has_role, is_office, roles_of
from .selectors import Flag, Period, current_period, milestones_with_status, projects_with_progress

# Service refusals that mean "this person may not", shown as 403 rather than a form message.
FORBIDDEN_CODES = {"not_allowed", "not_yours"}


# --- Forms whose save is a service call ----------------------------------------------------


class ServiceModelForm(forms.ModelForm):
    """A model form that saves by calling a service while it validates, so a refusal (stale
    version, locked report, another unit's project) lands on the form as an error and the admin
    re-renders the page with nothing written. The admin binds `model_admin` and `request`."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Kept in the history with your name."),
    )
    model_admin = None
    request = None

    def _post_clean(self):
        # As ModelForm._post_clean, except that uniqueness and the model's constraints are left
        # to the service (which explains a refusal in words) and to the database.
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as exc:
            self._update_errors(exc)
        try:
            self.instance.full_clean(exclude=self._get_validation_exclusions(), validate_unique=False,
                                     validate_constraints=False)
        except ValidationError as exc:
            self._update_errors(exc)
        if self._errors or self.model_admin is None:
            return
        try:
            with transaction.atomic():
                self.instance = self.model_admin.commit(self.request, self)
        except ValidationError as exc:
            if getattr(exc, "code", None) in FORBIDDEN_CODES:
                raise PermissionDenied(exc.messages[0]) from exc
            self.add_service_errors(exc)

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)

    @property
    def reason(self) -> str:
        return (self.cleaned_data.get("change_reason") or "").strip()

    def expected_version(self):
        return self.cleaned_data.get("version")

    def changed(self, names) -> dict:
        """The cleaned values of the given fields that the user changed."""
        return {name: self.cleaned_data[name] for name in names if name in self.changed_data}


class HistoryDisplay(HistoricalRecordContextHelper):
    """Shows a history row's changes as people read them: choice labels, local times, and a
    dash for an empty value (not "Deleted user (pk=None)")."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
            return "—"
        if getattr(field, "flatchoices", None):
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return super().prepare_delta_change_value(change, value)


# --- The one place that narrows rows and decides permissions --------------------------------


class ScopedAdmin(SimpleHistoryAdmin):
    """Narrows the queryset, foreign-key choices, permissions and history to the user's role
    and unit. A hand-typed URL for a row outside the narrowed queryset is a 404."""

    form = ServiceModelForm

    def may_edit(self, user) -> bool:
        """May this user add and change rows of the model (ownership is checked on top)?"""
        return has_role(user, Role.ADMIN)

    def may_delete(self, user) -> bool:
        return has_role(user, Role.ADMIN)

    def scope(self, user, qs):
        return qs

    def project_of(self, obj):
        return None

    # Queryset and choices

    def get_queryset(self, request):
        return self.scope(request.user, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Django would redirect with "doesn't exist"; another unit's row must not be told
            # apart from a missing one, and a plain 404 is what every other page answers.
            raise Http404
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._narrow_choices(field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._narrow_choices(field, request)

    def _narrow_choices(self, field, request):
        if field is None or not hasattr(field, "queryset"):
            return field
        user, model = request.user, field.queryset.model
        if model is Project:
            field.queryset = visible_projects(user, field.queryset)
        elif model is Milestone:
            field.queryset = visible_milestones(user, field.queryset)
        elif model is ProgressReport:
            field.queryset = visible_reports(user, field.queryset)
        elif model is ResponsibleUnit and is_office(user):
            field.queryset = field.queryset.filter(pk=user.unit_id)
        return field

    # Permissions by role and ownership

    def _owns(self, request, obj) -> bool:
        project = self.project_of(obj) if obj is not None else None
        return project is None or owns_project(request.user, project)

    def has_module_permission(self, request):
        return bool(roles_of(request.user))

    def has_view_permission(self, request, obj=None):
        return bool(roles_of(request.user)) and self._owns(request, obj)

    def has_add_permission(self, request):
        return self.may_edit(request.user)

    def has_change_permission(self, request, obj=None):
        return self.may_edit(request.user) and self._owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_delete(request.user) and self._owns(request, obj)

    # Forms: bind the request so the form can call the service; carry the version

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # Subclassing re-runs the form metaclass, so adjust the fields of the subclass.
        form = type(form.__name__, (form,), {"model_admin": self, "request": request})
        if "version" in form.base_fields:
            form.base_fields["version"].widget = forms.HiddenInput()
        return form

    def editable_fields(self, request, obj) -> list[str]:
        raise NotImplementedError

    def get_fields(self, request, obj=None):
        readonly = list(self.get_readonly_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            return [f for f in self.editable_fields(request, obj) + readonly if f not in ("version", "change_reason")]
        return self.editable_fields(request, obj) + readonly

    def commit(self, request, form):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        # The form's validation already saved through the service (ServiceModelForm).
        pass

    def save_related(self, request, form, formsets, change):
        # Many-to-many choices went through the service too; nothing to save here.
        pass

    @csrf_protect_m
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_saveasnew" in request.POST and not self.save_as:
            # Not offered on any page here; refuse rather than turn a change page into an add.
            raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)

    # History: narrowed like everything else, read-only (a revert would bypass the services)

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryDisplay(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))  # 404 outside the user's rows
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def badge(text, colour: str):
    return format_html(
        '<span class="badge badge-{}" style="display:inline-block;padding:1px 8px;border-radius:8px;'
        'color:#fff;background:{}">{}</span>',
        colour,
        {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "grey": "#757575"}.get(colour, colour),
        text,
    )


# --- Projects -------------------------------------------------------------------------------


class FlagFilter(admin.SimpleListFilter):
    title = _("flag")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return Flag.CHOICES

    def queryset(self, request, queryset):
        return queryset.filter(flag=self.value()) if self.value() else queryset


class PeriodMonthFilter(admin.SimpleListFilter):
    """Chooses the month the progress columns speak of (1–N月); it filters nothing."""

    title = _("progress up to month")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        return [(str(m), gettext("%(month)s月") % {"month": m}) for m in range(1, 13)]

    def queryset(self, request, queryset):
        return queryset


def period_for(request) -> Period | None:
    """The plan year and month the project list speaks of: ?plan_year__id__exact / ?month, else
    the latest plan year at its reporting month."""
    plan_years = PlanYear.objects.order_by("-year")
    plan_year_id = request.GET.get("plan_year__id__exact")
    if plan_year_id and plan_year_id.isdigit():
        plan_years = plan_years.filter(pk=plan_year_id)
    plan_year = plan_years.first()
    if plan_year is None:
        return None
    month = request.GET.get("month")
    month = int(month) if month and month.isdigit() and 1 <= int(month) <= 12 else None
    return current_period(plan_year, month)


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    list_display = (
        "code", "name", "category", "responsible_unit", "annual_plan", "completed_to_date", "completion", "gap",
        "flag_badge",
    )
    list_display_links = ("code", "name")
    list_select_related = ("category", "responsible_unit")
    search_fields = ("code", "name", "location", "leader")
    list_per_page = 50
    readonly_fields = ("source", "source_note")

    def may_edit(self, user) -> bool:
        return can_edit_plan(user)

    def scope(self, user, qs):
        return visible_projects(user, qs)

    def project_of(self, obj):
        return obj

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        period = period_for(request)
        return projects_with_progress(period, qs) if period else qs

    def get_list_filter(self, request):
        filters = ["plan_year", "category", "stage", FlagFilter, PeriodMonthFilter]
        if not is_office(request.user):
            filters.insert(3, "responsible_unit")
        return filters

    def editable_fields(self, request, obj):
        if obj is None:
            return ["plan_year", *services.PROJECT_FIELDS, "change_reason"]
        return [*services.PROJECT_FIELDS, "version", "change_reason"]

    def get_readonly_fields(self, request, obj=None):
        return ("plan_year", "progress", *self.readonly_fields) if obj is not None else self.readonly_fields

    @admin.display(description=_("progress to date"))
    def progress(self, obj):
        if getattr(obj, "completed_ytd", None) is None:
            return "—"
        return format_html(
            "{}: {} 万元 · {}: {} · {}: {} &nbsp; {}",
            _("completed"), f"{obj.completed_ytd:.2f}", _("completion rate (%)"), self.completion(obj) or "—",
            _("behind 序时进度 (points)"), self.gap(obj) or "—", self.flag_badge(obj),
        )

    def commit(self, request, form):
        if form.instance._state.adding:
            values = {name: form.cleaned_data[name] for name in services.PROJECT_FIELDS if name in form.cleaned_data}
            return services.project_create(actor=request.user, plan_year=form.cleaned_data["plan_year"],
                                           reason=form.reason, **values)
        values = form.changed(services.PROJECT_FIELDS)
        if not values and "version" not in form.changed_data:
            return form.instance
        return services.project_update(actor=request.user, project=form.instance,
                                       expected_version=form.expected_version(), reason=form.reason, **values)

    @admin.display(description=_("completed to date (万元)"), ordering="completed_ytd")
    def completed_to_date(self, obj):
        completed = getattr(obj, "completed_ytd", None)
        return None if completed is None else f"{completed:.2f}"

    @admin.display(description=_("completion rate (%)"), ordering="completion_rate")
    def completion(self, obj):
        rate = getattr(obj, "completion_rate", None)
        return None if rate is None else f"{rate:.2f}"

    @admin.display(description=_("behind 序时进度 (points)"), ordering="gap_points")
    def gap(self, obj):
        gap = getattr(obj, "gap_points", None)
        return None if gap is None else f"{gap:.2f}"

    @admin.display(description=_("flag"), ordering="flag")
    def flag_badge(self, obj):
        flag = getattr(obj, "flag", None)
        return badge(dict(Flag.CHOICES)[flag], flag) if flag else None


# --- Milestones -----------------------------------------------------------------------------


@admin.register(Milestone)
class MilestoneAdmin(ScopedAdmin):
    list_display = ("title", "project", "kind", "due_date", "target_percent", "met_on", "state")
    list_select_related = ("project",)
    list_filter = ("kind", "event", "due_date", "project__category")
    search_fields = ("title", "project__name", "project__code")
    list_per_page = 50

    def may_edit(self, user) -> bool:
        return can_edit_plan(user)

    def scope(self, user, qs):
        return visible_milestones(user, qs)

    def project_of(self, obj):
        return obj.project

    def get_queryset(self, request):
        # Overdue as of the end of the reporting month, as the project flags count it.
        period = period_for(request)
        return milestones_with_status(super().get_queryset(request), as_of=period.as_of if period else None)

    def editable_fields(self, request, obj):
        fields = ["project"] if obj is None else []
        fields += list(services.MILESTONE_FIELDS)
        if obj is None:
            return fields + ["change_reason"]
        if obj.kind == MilestoneKind.EVENT:
            fields.append("met_on")
        return fields + ["version", "change_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        readonly = ["project"]
        if obj.kind != MilestoneKind.EVENT:
            readonly.append("met_on")  # a percent milestone is met by an approved report
        return readonly

    def commit(self, request, form):
        actor, reason = request.user, form.reason
        if form.instance._state.adding:
            values = {name: form.cleaned_data[name] for name in services.MILESTONE_FIELDS}
            return services.milestone_create(actor=actor, project=form.cleaned_data["project"], reason=reason,
                                             **values)
        milestone, version = form.instance, form.expected_version()
        values = form.changed(services.MILESTONE_FIELDS)
        if values or "version" in form.changed_data:
            milestone = services.milestone_update(actor=actor, milestone=milestone, expected_version=version,
                                                  reason=reason, **values)
            version = milestone.version
        if "met_on" in form.changed_data:
            milestone = services.milestone_mark_met(actor=actor, milestone=milestone, expected_version=version,
                                                    met_on=form.cleaned_data["met_on"], reason=reason)
        return milestone

    @admin.display(description=_("state"), ordering="overdue")
    def state(self, obj):
        if obj.met_on:
            late = obj.met_on > obj.due_date
            return badge(_("met late") if late else _("met"), "yellow" if late else "green")
        if getattr(obj, "overdue", False):
            return badge(_("overdue"), "red")
        return badge(_("open"), "grey")


# --- Monthly reports ------------------------------------------------------------------------


class ReportForm(ServiceModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("milestones_met")
        if field is not None:
            # Only event milestones are ticked by hand; a percent one is met by the percent.
            field.queryset = field.queryset.filter(kind=MilestoneKind.EVENT).select_related("project")
            if self.instance.pk:
                field.queryset = field.queryset.filter(project_id=self.instance.project_id)
            # Many projects have a milestone called 开工: say whose it is and when it is due.
            field.label_from_instance = lambda m: f"{m.project.name}：{m.title}（{m.due_date:%Y-%m-%d}）"


@admin.register(ProgressReport)
class ProgressReportAdmin(ScopedAdmin):
    form = ReportForm
    list_display = ("project", "period", "revision", "status_badge", "investment_completed", "physical_percent",
                    "responsible_unit", "submitted_at")
    list_filter = ("status", "year", "month", "is_current", "project__category")
    search_fields = ("project__name", "project__code")
    list_per_page = 50
    actions = ["approve_selected"]
    WORKFLOW_STEPS = ("_approve", "_return", "_revise")
    VALUE_FIELDS = ["investment_completed", "physical_percent", "physical_narrative", "problems",
                    "next_month_plan", "percent_drop_reason", "milestones_met"]
    STATUS_FIELDS = ("revision", "is_current", "status", "created_by", "submitter", "submitted_at",
                     "reviewer", "reviewed_at", "review_comment", "workflow_events")

    def may_edit(self, user) -> bool:
        return can_report(user)

    def may_delete(self, user) -> bool:
        return False  # a report is never deleted; a correction is a revision

    def scope(self, user, qs):
        return visible_reports(user, qs)

    def project_of(self, obj):
        return obj.project

    def get_queryset(self, request):
        # Django skips list_select_related when the queryset already selects, so name all here.
        return super().get_queryset(request).select_related(
            "project", "project__plan_year", "project__responsible_unit")

    def get_list_filter(self, request):
        filters = list(self.list_filter)
        if not is_office(request.user):
            filters.append("project__responsible_unit")
        return filters

    @staticmethod
    def locked(obj) -> bool:
        return obj is not None and obj.status not in services.EDITABLE

    def editable_fields(self, request, obj):
        if obj is None:
            return ["project", "year", "month", *self.VALUE_FIELDS, "change_reason"]
        if self.locked(obj):
            return []
        return [*self.VALUE_FIELDS, "version", "change_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        head = ("project", "year", "month")
        return head + tuple(self.VALUE_FIELDS) + self.STATUS_FIELDS if self.locked(obj) else head + self.STATUS_FIELDS

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        plan_year = PlanYear.objects.order_by("-year").first()
        if plan_year is not None:
            initial.setdefault("year", plan_year.year)
            initial.setdefault("month", current_period(plan_year).month)
        return initial

    def commit(self, request, form):
        data = form.cleaned_data
        if form.instance._state.adding:
            values = {name: data[name] for name in services.REPORT_FIELDS if name in data}
            return services.report_create(actor=request.user, project=data["project"], year=data["year"],
                                          month=data["month"], milestones_met=data.get("milestones_met"), **values)
        report = form.instance
        values = form.changed(services.REPORT_FIELDS)
        milestones = data["milestones_met"] if "milestones_met" in form.changed_data else None
        if self.locked(report) or values or milestones is not None or "version" in form.changed_data:
            # A locked report goes to the service too, which refuses it with its reason.
            return services.report_update(actor=request.user, report=report, expected_version=data.get("version"),
                                          milestones_met=milestones, reason=form.reason, **values)
        return report

    # Workflow buttons

    def workflow(self, request, obj) -> dict:
        """Which buttons to offer; the services decide again when one is pressed."""
        user = request.user
        return {
            "submit": self.has_change_permission(request, obj) and not self.locked(obj),
            "review": can_review(user) and obj.status == ReportStatus.SUBMITTED
            and user.pk not in (obj.created_by_id, obj.submitted_by_id),
            "revise": can_report(user) and owns_project(user, obj.project)
            and obj.status == ReportStatus.APPROVED and obj.is_current,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {}), "workflow": self.workflow(request, obj)}
        if self.locked(obj):
            extra_context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False,
                                 show_delete=False)
        return super().change_view(request, object_id, form_url, extra_context)

    @csrf_protect_m
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            step = next((name for name in self.WORKFLOW_STEPS if name in request.POST), None)
            if step is None and "_submit" in request.POST:
                obj = self.get_object(request, unquote(object_id))
                if not self.has_change_permission(request, obj) or self.locked(obj):
                    step = "_submit"  # nothing to save first: straight to the service
            if step is not None:
                return self.workflow_step(request, object_id, step)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def workflow_step(self, request, object_id, step):
        report = self.get_object(request, unquote(object_id))
        version = request.POST.get("_workflow_version", "")
        expected = int(version) if version.isdigit() else None
        actor = request.user
        try:
            if step == "_submit":
                report = services.report_submit(actor=actor, report=report, expected_version=expected)
                done = _("The report was submitted for review.")
            elif step == "_approve":
                report = services.report_approve(actor=actor, report=report, expected_version=expected,
                                                 comment=request.POST.get("review_comment", "").strip())
                done = _("The report was approved.")
            elif step == "_return":
                report = services.report_return(actor=actor, report=report, expected_version=expected,
                                                comment=request.POST.get("review_comment", "").strip())
                done = _("The report was returned to its office.")
            else:
                report = services.report_revise(actor=actor, report=report, expected_version=expected,
                                                reason=request.POST.get("revise_reason", "").strip())
                done = _("A revision was opened; correct it and submit it for review.")
        except ValidationError as exc:
            if getattr(exc, "code", None) in FORBIDDEN_CODES:
                raise PermissionDenied(exc.messages[0]) from exc
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:projects_progressreport_change", args=[report.pk]))

    def response_change(self, request, obj):
        if "_submit" in request.POST:
            # "Save and submit": the edits were saved by the form; now the step itself.
            try:
                services.report_submit(actor=request.user, report=obj, expected_version=obj.version)
            except ValidationError as exc:
                for message in exc.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(request, _("The report was submitted for review."), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:projects_progressreport_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def has_review_permission(self, request):
        return can_review(request.user)

    @admin.action(description=_("Approve the selected reports"), permissions=["review"])
    def approve_selected(self, request, queryset):
        approved = 0
        for report in queryset.select_related("project"):
            try:
                services.report_approve(actor=request.user, report=report)
            except ValidationError as exc:
                self.message_user(request, f"{report}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                approved += 1
        self.message_user(request, gettext("%(n)s reports approved.") % {"n": approved}, messages.SUCCESS)

    # Columns and read-only fields

    @admin.display(description=_("month"), ordering="month")
    def period(self, obj):
        return f"{obj.year}-{obj.month:02d}"

    @admin.display(description=_("responsible unit"), ordering="project__responsible_unit__name")
    def responsible_unit(self, obj):
        return obj.project.responsible_unit

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        colour = {ReportStatus.APPROVED: "green", ReportStatus.SUBMITTED: "yellow",
                  ReportStatus.RETURNED: "red"}.get(obj.status, "grey")
        return badge(obj.get_status_display(), colour)

    @admin.display(description=_("submitted by"))
    def submitter(self, obj):
        return obj.submitted_by or "—"

    @admin.display(description=_("reviewed by"))
    def reviewer(self, obj):
        return obj.reviewed_by or "—"

    @admin.display(description=_("workflow events"))
    def workflow_events(self, obj):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"), e.get_action_display(), e.actor,
                 e.get_to_status_display(), e.comment)
                for e in obj.events.select_related("actor")
            ),
        )
        head = format_html("<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
                           _("at"), _("action"), _("by"), _("to"), _("comment"))
        return format_html("<table>{}{}</table>", head, rows)


# --- Reference data: administrators change it, every role reads it ------------------------------


class ReferenceAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return bool(roles_of(request.user))

    def has_view_permission(self, request, obj=None):
        return bool(roles_of(request.user))

    def has_add_permission(self, request):
        return has_role(request.user, Role.ADMIN)

    def has_change_permission(self, request, obj=None):
        return has_role(request.user, Role.ADMIN)

    def has_delete_permission(self, request, obj=None):
        return has_role(request.user, Role.ADMIN)


class CategoryPlanInline(admin.TabularInline):
    model = CategoryPlan
    extra = 0

    def has_view_permission(self, request, obj=None):
        return bool(roles_of(request.user))

    def has_add_permission(self, request, obj=None):
        return has_role(request.user, Role.ADMIN)

    has_change_permission = has_delete_permission = has_add_permission


@admin.register(PlanYear)
class PlanYearAdmin(ReferenceAdmin):
    list_display = ("year", "title", "reporting_month", "declared_projects", "declared_annual_plan")
    inlines = [CategoryPlanInline]


@admin.register(Category)
class CategoryAdmin(ReferenceAdmin):
    list_display = ("order", "name", "code", "name_en")


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(ReferenceAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(OwnerUnit)
class OwnerUnitAdmin(ReferenceAdmin):
    search_fields = ("name",)

    def has_add_permission(self, request):
        # Whoever enters a project may need a new owner company for it.
        return can_edit_plan(request.user)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts are the administrators' business; the unit ties an office account to its projects."""

    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Responsible unit"), {"fields": ("unit",)}))
    # Staff status is what lets an account into the admin; roles are groups.
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets,
                     (_("Responsible unit"), {"fields": ("unit", "groups", "is_staff")}))
    list_display = ("username", "first_name", "last_name", "unit", "is_active", "is_staff")
    list_filter = ("groups", "unit", "is_active", "is_staff")
    list_select_related = ("unit",)

    def _is_admin(self, request):
        return has_role(request.user, Role.ADMIN)

    def has_module_permission(self, request):
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_add_permission(self, request):
        return self._is_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_admin(request)



admin.site.site_header = _("Yunyang County major projects")
admin.site.site_title = _("Major projects admin")
admin.site.index_title = _("Plan, reports and review")

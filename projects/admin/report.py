"""Monthly progress reports: the office's form, the reviewer's workflow buttons and bulk approval."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import csrf_protect_m
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import params, services
from ..models import (
    MilestoneKind,
    PlanYear,
    ProgressReport,
    Project,
    ProjectYear,
    ReportStatus,
)
from ..permissions import owns_project, visible_projects, visible_reports
from ..roles import can_report, can_review, is_office
from ..selectors import current_period, default_plan_year
from .forms import FORBIDDEN_CODES, ServiceModelForm
from .relations import Autocomplete
from .scoping import ScopedAdmin, badge
from .unit_filter import UnitListFilter


class WorkflowMsg:
    """What the report admin's workflow buttons and bulk approval tell the reviewer."""

    NO_VERSION = _(
        "This page did not say which version of the report you saw, so nothing was done: reload the report "
        "and press the button again."
    )
    CHANGED = _("%(report)s changed after the list was shown and was not approved: open it and check it again.")
    UNCONFIRMED = _("%(report)s was not approved: the confirmation did not carry the version shown. Select it again.")
    APPROVED = _("%(n)s reports approved.")


def _chosen_id(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class ReportForm(ServiceModelForm):
    # A new report names the project and the year; the service files it on the project's row in
    # that year's plan (a report is not a model field of its own here). At province scale a
    # dropdown of every project would be 100,000 options: the project is searched as typed
    # (the admin's autocomplete, scoped by ProjectAdmin.get_queryset to the user's own projects),
    # and only the chosen one is rendered.
    project = forms.ModelChoiceField(
        label=_("project"),
        queryset=Project.objects.order_by("code"),
        required=False,
        widget=Autocomplete(ProjectYear._meta.get_field("project"), admin.site),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # A declared field is on every form Django builds: a report's project never changes.
            self.fields.pop("project", None)
        elif "project" in self.fields:
            self.fields["project"].required = True
            if self.request is not None:
                self.fields["project"].queryset = visible_projects(self.request.user, self.fields["project"].queryset)
        field = self.fields.get("milestones_met")
        if field is not None:
            # Only event milestones are ticked by hand; a percent one is met by the percent. Only
            # the report's own project-year's are offered (never every milestone of the plan).
            field.queryset = field.queryset.filter(kind=MilestoneKind.EVENT).select_related(
                "project_year__project", "project_year__plan_year"
            )
            if self.instance.pk:
                field.queryset = field.queryset.filter(project_year_id=self.instance.project_year_id)
            else:
                field.queryset = self._new_report_milestones(field.queryset)
            # Many projects have a milestone called 开工: say whose it is and when it is due.
            field.label_from_instance = lambda m: f"{m.project_year.project.name}：{m.title}（{m.due_date:%Y-%m-%d}）"

    def _new_report_milestones(self, queryset):
        """A new report's milestones: those of the chosen project (posted, or ?project= in the add
        link) in the chosen year; none until a project is chosen (they can be ticked on the draft)."""
        source = self.data if self.is_bound else self.initial
        project_id = _chosen_id(source.get("project"))
        year = _chosen_id(source.get("year"))
        if project_id is None or year is None:
            self.fields["milestones_met"].help_text = _(
                "The milestones of the chosen project are offered once the draft is saved."
            )
            return queryset.none()
        return queryset.filter(project_year__project_id=project_id, project_year__plan_year__year=year)


class ReportYearFilter(admin.SimpleListFilter):
    """The report's year among the plan years (a few rows), not Django's list of the distinct
    values in the column, which reads every report (900,000 at province scale) on each page."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(y), str(y)) for y in PlanYear.objects.order_by("-year").values_list("year", flat=True)]

    def queryset(self, request, queryset):
        year = params.year(request.GET)
        return queryset if year is None else queryset.filter(year=year)


class ReportMonthFilter(admin.SimpleListFilter):
    """Months 1-12, fixed (again no DISTINCT over every report)."""

    title = _("month")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        return [(str(m), str(m)) for m in range(1, 13)]

    def queryset(self, request, queryset):
        month = params.month(request.GET)
        return queryset if month is None else queryset.filter(month=month)


@admin.register(ProgressReport)
class ProgressReportAdmin(ScopedAdmin):
    form = ReportForm
    list_display = (
        "project_year",
        "period",
        "revision",
        "status_badge",
        "investment_completed",
        "physical_percent",
        "responsible_unit",
        "submitted_at",
    )
    list_filter = ("status", ReportYearFilter, ReportMonthFilter, "is_current", "project_year__category")
    search_fields = (
        "project_year__project__name",
        "project_year__project__code",
        "project_year__project__responsible_unit__name",
    )
    list_per_page = 50
    actions = ["approve_selected"]
    WORKFLOW_STEPS = ("_approve", "_return", "_revise")
    VALUE_FIELDS = [
        "investment_completed",
        "physical_percent",
        "physical_narrative",
        "problems",
        "next_month_plan",
        "percent_drop_reason",
        "milestones_met",
    ]
    STATUS_FIELDS = (
        "revision",
        "is_current",
        "status",
        "created_by",
        "submitter",
        "submitted_at",
        "reviewer",
        "reviewed_at",
        "review_comment",
        "workflow_events",
    )

    def may_edit(self, user) -> bool:
        return can_report(user)

    def may_delete(self, user) -> bool:
        return False  # a report is never deleted; a correction is a revision

    def scope(self, user, qs):
        return visible_reports(user, qs)

    def project_of(self, obj):
        return obj.project_year.project

    def get_queryset(self, request):
        # Django skips list_select_related when the queryset already selects, so name all here.
        return (
            super()
            .get_queryset(request)
            .select_related(
                "project_year",
                "project_year__project",
                "project_year__plan_year",
                "project_year__project__responsible_unit",
            )
        )

    def get_list_filter(self, request):
        filters = list(self.list_filter)
        if not is_office(request.user):
            filters.append(("project_year__project__responsible_unit", UnitListFilter))
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
        head = ("project_year", "year", "month")
        return head + tuple(self.VALUE_FIELDS) + self.STATUS_FIELDS if self.locked(obj) else head + self.STATUS_FIELDS

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        plan_year = default_plan_year()
        if plan_year is not None:
            initial.setdefault("year", plan_year.year)
            initial.setdefault("month", current_period(plan_year).month)
        return initial

    def commit(self, request, form):
        data = form.cleaned_data
        if form.instance._state.adding:
            values = {name: data[name] for name in services.REPORT_FIELDS if name in data}
            return services.report_create(
                actor=request.user,
                project=data["project"],
                year=data["year"],
                month=data["month"],
                milestones_met=data.get("milestones_met"),
                **values,
            )
        report = form.instance
        values = form.changed(services.REPORT_FIELDS)
        milestones = data["milestones_met"] if "milestones_met" in form.changed_data else None
        if self.locked(report) or values or milestones is not None or "version" in form.changed_data:
            # A locked report goes to the service too, which refuses it with its reason.
            return services.report_update(
                actor=request.user,
                report=report,
                expected_version=data.get("version"),
                milestones_met=milestones,
                reason=form.reason,
                **values,
            )
        return report

    # Workflow buttons

    def workflow(self, request, obj) -> dict:
        """Which buttons to offer; the services decide again when one is pressed."""
        user = request.user
        return {
            "submit": self.has_change_permission(request, obj) and not self.locked(obj),
            "review": can_review(user)
            and obj.status == ReportStatus.SUBMITTED
            and user.pk not in (obj.created_by_id, obj.submitted_by_id),
            "revise": can_report(user)
            and owns_project(user, obj.project_year.project)
            and obj.status == ReportStatus.APPROVED
            and obj.is_current,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {}), "workflow": self.workflow(request, obj)}
        if self.locked(obj):
            extra_context.update(
                show_save=False, show_save_and_continue=False, show_save_and_add_another=False, show_delete=False
            )
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
        report = self.get_object(request, unquote(object_id))  # 404 outside the user's rows
        expected = params.object_id(request.POST, "_workflow_version")
        actor = request.user
        if expected is None:
            # Acting on whatever is current would approve figures nobody saw: refuse instead.
            self.message_user(request, WorkflowMsg.NO_VERSION, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:projects_progressreport_change", args=[report.pk]))
        try:
            if step == "_submit":
                report = services.report_submit(actor=actor, report=report, expected_version=expected)
                done = _("The report was submitted for review.")
            elif step == "_approve":
                report = services.report_approve(
                    actor=actor,
                    report=report,
                    expected_version=expected,
                    comment=request.POST.get("review_comment", "").strip(),
                )
                done = _("The report was approved.")
            elif step == "_return":
                report = services.report_return(
                    actor=actor,
                    report=report,
                    expected_version=expected,
                    comment=request.POST.get("review_comment", "").strip(),
                )
                done = _("The report was returned to its office.")
            else:
                report = services.report_revise(
                    actor=actor,
                    report=report,
                    expected_version=expected,
                    reason=request.POST.get("revise_reason", "").strip(),
                )
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
        """First a confirmation page listing the reports with their figures, each carrying the
        version shown (as Django's delete confirmation does); then approve only those unchanged."""
        reports = list(
            queryset.select_related("project_year__project", "submitted_by").order_by(
                "project_year__project__code", "year", "month"
            )
        )
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Approve the selected reports"),
                "opts": self.model._meta,
                "reports": reports,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            request.current_app = self.admin_site.name
            return TemplateResponse(request, "admin/projects/progressreport/approve_selected.html", context)
        approved = 0
        for report in reports:
            expected = params.object_id(request.POST, f"version_{report.pk}")
            if expected is None:
                self.message_user(request, WorkflowMsg.UNCONFIRMED % {"report": report}, messages.ERROR)
                continue
            try:
                services.report_approve(actor=request.user, report=report, expected_version=expected)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "stale":
                    self.message_user(request, WorkflowMsg.CHANGED % {"report": report}, messages.WARNING)
                else:
                    self.message_user(request, f"{report}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                approved += 1
        self.message_user(request, WorkflowMsg.APPROVED % {"n": approved}, messages.SUCCESS)
        return None

    # Columns and read-only fields

    @admin.display(description=_("month"), ordering="month")
    def period(self, obj):
        return f"{obj.year}-{obj.month:02d}"

    @admin.display(description=_("responsible unit"), ordering="project_year__project__responsible_unit__name")
    def responsible_unit(self, obj):
        return obj.project_year.project.responsible_unit

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        colour = {ReportStatus.APPROVED: "green", ReportStatus.SUBMITTED: "yellow", ReportStatus.RETURNED: "red"}.get(
            obj.status, "grey"
        )
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
                (
                    timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"),
                    e.get_action_display(),
                    e.actor,
                    e.get_to_status_display(),
                    e.comment,
                )
                for e in obj.events.select_related("actor")
            ),
        )
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            _("at"),
            _("action"),
            _("by"),
            _("to"),
            _("comment"),
        )
        return format_html("<table>{}{}</table>", head, rows)

"""The admin's schedule pages: download the schedule or the blank template, and upload a
workbook with a preview step. The uploaded bytes are kept in the database under a random token
(previews.py), so "apply" re-reads and re-checks exactly the file that was previewed, on any
server, once."""

import datetime
import os

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from projects import params
from projects.models import PlanYear
from projects.permissions import visible_project_years
from projects.roles import can_edit_plan, can_import, can_keep_year, is_office

from ..export import XLSX, xlsx_download
from ..jobs import schedule_filename, start_export
from ..models import ExportJob, ExportStatus
from .previews import PreviewRefused, preview_apply, preview_create
from .reporting import status_label
from .writing import schedule_rows, write_schedule, write_template


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx, .xls, .ods)"))
    month = forms.IntegerField(
        label=_("Reporting month, if the file does not say"), min_value=1, max_value=12, required=False
    )
    reason = forms.CharField(label=_("Reason (kept in the history)"), max_length=200, required=False)
    # For the plan keepers only (removed from the form for others): the file is an adjusted
    # schedule, its annual figures a new version of the adopted plan, as import_schedule --plan-version.
    as_adjustment = forms.BooleanField(label=_("Import as a plan adjustment (中期调整)"), required=False)
    version_name = forms.CharField(label=_("Version name"), max_length=50, required=False, initial="中期调整")
    # The widget writes the date as the field reads it (the locale's format, 2026/11/30, would be refused).
    version_date = forms.DateField(
        label=_("Version date (YYYY-MM-DD)"),
        required=False,
        initial=datetime.date.today,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m-%d"),
    )

    def __init__(self, *args, keeps_year: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not keeps_year:
            for name in ("as_adjustment", "version_name", "version_date"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("as_adjustment"):
            if not (cleaned.get("version_name") or "").strip():
                self.add_error("version_name", gettext("Name the version, e.g. 中期调整."))
            if not cleaned.get("version_date") and "version_date" not in self.errors:
                self.add_error("version_date", gettext("Give the version's date."))
        return cleaned

    @property
    def adjustment(self) -> tuple[str, datetime.date] | None:
        if not self.cleaned_data.get("as_adjustment"):
            return None
        return self.cleaned_data["version_name"].strip(), self.cleaned_data["version_date"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                gettext("The file is larger than %(mb)s MB; split it or remove what is not needed.")
                % {"mb": f"{settings.IMPORT_MAX_UPLOAD_BYTES / 1024 / 1024:g}"}
            )
        return upload


def _plan_year(request) -> PlanYear:
    # Those who keep the plan prepare a draft year's files; for everyone else a draft is not there.
    plan_year = params.plan_year(request.GET, published=not can_edit_plan(request.user))
    if plan_year is None:
        raise Http404("No such plan year.")
    return plan_year


def _month(request) -> int | None:
    return params.month(request.GET)


@require_http_methods(["GET", "POST"])
def export_view(request):
    """The county's schedule (the user's own projects for an office) for ?year=&month=: written in
    the request up to EXPORT_SYNC_MAX_ROWS projects; above that the page offers to prepare the file
    as a background job (a POST, then the job's progress page)."""
    plan_year, month = _plan_year(request), _month(request)
    projects = visible_project_years(request.user)
    rows = schedule_rows(plan_year=plan_year, projects=projects, dispatch_month=month)
    if rows > settings.EXPORT_SYNC_MAX_ROWS:
        if request.method == "POST":
            job = start_export(user=request.user, plan_year=plan_year, month=month)
            return redirect("schedules:export_job", pk=job.pk)
        return render(
            request,
            "admin/schedules/export_large.html",
            _context(request, title=gettext("Export the schedule"), plan_year=plan_year, month=month, rows=rows),
        )
    if request.method == "POST":
        raise PermissionDenied  # nothing to prepare: the file is written on the GET
    name = schedule_filename(plan_year.year, month)
    return xlsx_download(
        lambda out: write_schedule(out, plan_year=plan_year, month=month, projects=projects, dispatch_month=month), name
    )


def _own_job(request, pk: int) -> ExportJob:
    """The job, for the user who asked for it or a superuser; anyone else gets a 404."""
    job = get_object_or_404(ExportJob, pk=pk)
    if job.user_id != request.user.pk and not request.user.is_superuser:
        raise Http404("No such export.")
    return job


@require_http_methods(["GET"])
def export_job_view(request, pk: int):
    """The job's progress: a page that polls itself (static/portfolio/export_job.js) through
    ?format=json, and offers the download once the file is written, or shows why it failed."""
    job = _own_job(request, pk)
    download = reverse("schedules:export_download", args=[job.pk]) if job.status == ExportStatus.DONE else None
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "status_label": str(job.get_status_display()),
                "rows_done": job.rows_done,
                "rows_total": job.rows_total,
                "percent": job.percent,
                "error": job.error,
                "download": download,
            }
        )
    return render(
        request,
        "admin/schedules/export_job.html",
        _context(request, title=job.get_kind_display(), job=job, download=download),
    )


@require_http_methods(["GET"])
def export_download(request, pk: int):
    job = _own_job(request, pk)
    if job.status != ExportStatus.DONE:
        raise Http404("The file is not ready.")
    if not job.file:
        raise Http404("The file is not ready.")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is no longer kept.") from None
    # Streamed from storage in FileResponse's blocks: the web server never holds the whole file.
    return FileResponse(handle, as_attachment=True, filename=job.filename, content_type=XLSX)


@require_http_methods(["GET"])
def template_view(request):
    plan_year = _plan_year(request)
    return xlsx_download(
        lambda out: write_template(out, plan_year=plan_year), f"{plan_year.year}年重大项目计划表-填报模板.xlsx"
    )


def _context(request, **extra):
    from django.contrib import admin

    return {**admin.site.each_context(request), "title": gettext("Import a schedule"), **extra}


@require_http_methods(["GET", "POST"])
def import_view(request):
    if not can_import(request.user):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _apply(request)
    form = UploadForm(request.POST or None, request.FILES or None, keeps_year=can_keep_year(request.user))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(settings.IMPORT_MAX_UPLOAD_BYTES + 1)
        result, token = preview_create(
            actor=request.user,
            data=data,
            filename=os.path.basename(upload.name),
            month=form.cleaned_data["month"],
            reason=form.cleaned_data["reason"],
            adjustment=form.adjustment,
        )
        if result.adjustment_refused:  # the year or the name is wrong, not a row: say so on the form
            form.add_error("version_name", result.adjustment_refused)
            return render(request, "admin/schedules/import.html", _context(request, form=form))
        return render(
            request,
            "admin/schedules/preview.html",
            _context(
                request,
                result=result,
                token=token,
                **_shown(result),
                office=is_office(request.user),
                adjustment=form.adjustment,
            ),
        )
    return render(request, "admin/schedules/import.html", _context(request, form=form))


PROBLEMS_SHOWN = 500  # a page lists this many of a file's problems, and says how many more


def _shown(result) -> dict:
    """What the preview page renders: the kept rows and the first problems, not the whole file."""
    return {
        "rows": _rows(result),
        "problems_shown_slice": f":{PROBLEMS_SHOWN}",
        "problems_hidden": max(0, len(result.problems) - PROBLEMS_SHOWN),
    }


def _rows(result):
    """The rows kept to show (importing.result.SHOWN of each kind), errors first."""
    return [{"row": row, "status_label": status_label(row.status)} for row in result.shown_rows]


def _apply(request):
    try:
        result = preview_apply(actor=request.user, token=request.POST["token"])
    except PreviewRefused as exc:
        messages.error(request, str(exc.message))
        return redirect("schedules:import")
    if result.applied:
        counts = result.counts
        messages.success(
            request, gettext("Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.") % counts
        )
        return redirect("schedules:import")
    return render(
        request,
        "admin/schedules/preview.html",
        _context(request, result=result, token=None, refused=True, **_shown(result)),
    )

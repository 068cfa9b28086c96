"""An import's result as plain text, for the command line."""

from django.utils.translation import gettext as _

from .importing import ImportResult


def status_label(status: str) -> str:
    return {
        "new": _("new"),
        "changed": _("changed"),
        "unchanged": _("unchanged"),
        "error": _("error"),
    }[status]


def format_result(result: ImportResult, *, dry_run: bool) -> str:
    lines = []
    for row in result.rows:
        where = f"{row.sheet}!{row.row}"
        month = f" {row.month}月" if row.month else ""
        lines.append(f"{where} {row.code}{month} {row.name}: {status_label(row.status)}")
        for label, old, new in row.changes:
            lines.append(f"    {label}: {old} → {new}")
    counts = result.counts
    summary = _("%(new)s new, %(changed)s changed, %(unchanged)s unchanged, %(errors)s problem(s).") % {
        "new": counts["new"],
        "changed": counts["changed"],
        "unchanged": counts["unchanged"],
        "errors": len(result.problems),
    }
    lines.append(summary)
    if result.applied:
        lines.append(_("Applied."))
    elif dry_run and result.ok:
        lines.append(_("Dry run: nothing was written."))
    elif not result.ok:
        lines.append(_("Refused: nothing was written."))
    return "\n".join(lines)

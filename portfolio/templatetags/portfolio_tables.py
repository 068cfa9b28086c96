"""The table body of the site's tables (portfolio/_table.html), written in one pass.

django-tables2's own template renders each cell through the template engine and rebuilds the
column's attributes for every cell (BoundColumn.attrs merges the table's and the column's dicts,
computes the classes and formats them again, 14 columns × 25 rows a page): about a fifth of the
project list's server time. Here a column's <td> attributes are formatted once per table when they
do not depend on the row (no callable among them, the case of every table of this site), and the
cells are those django-tables2 renders (BoundRow.items: the same render methods, links and
defaults), escaped and localized as {{ cell }} would (render_value_in_context)."""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _static_td(table, bound_column) -> str | None:
    """The column's formatted <td> attributes when they cannot vary by row, else None. The same
    dict BoundColumn.attrs starts from: the table's attrs overridden by the column's, "td" else
    "cell"."""
    merged = {**table.attrs, **bound_column.column.attrs}
    td = merged.get("td", merged.get("cell", {}))
    if any(callable(v) for v in td.values()):
        return None
    return bound_column.attrs["td"].as_html()


@register.simple_tag(takes_context=True)
def table_body_rows(context, table):
    """The <tr> of every row of the table's current page (or the empty text's row), as
    django_tables2/table.html writes them. A column's `localize` (none of this site's sets it) is
    refused rather than ignored."""
    static = {column.name: _static_td(table, column) for column in table.columns}
    out = []
    for row in table.paginated_rows:
        out.append(format_html("<tr {}>", row.attrs.as_html()))
        for column, cell in row.items():
            attrs = static[column.name]
            if attrs is None:
                attrs = column.attrs["td"].as_html()
            if column.localize is not None:
                raise template.TemplateSyntaxError("table_body_rows does not handle a column's `localize`.")
            out.append(f"<td {attrs}>{render_value_in_context(cell, context)}</td>")
        out.append("</tr>")
    if not out and table.empty_text:
        out.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text))
    return mark_safe("\n".join(out))  # noqa: S308 (every piece above is escaped or formatted)

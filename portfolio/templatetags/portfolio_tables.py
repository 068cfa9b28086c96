"""The table body of the site's tables (portfolio/_table.html), written in one pass.

django-tables2's own template renders each cell through the template engine and rebuilds the
column's attributes for every cell (BoundColumn.attrs merges the table's and the column's dicts,
computes the classes and formats them again, 14 columns × 25 rows a page), and its cell method
(BoundRow.get_cell) asks Python for the signature of the column's render method again for every
cell (django_tables2.utils.call_with_appropriate): together about a third of the project list's
server time. Here each column is worked out once per table (_Cells): its <td> attributes when they
do not depend on the row (no callable among them, the case of every table of this site), and what
its render method takes. A cell is then what django-tables2 renders — the value read through the
column's accessor, the column's default for an empty value, the render method with the arguments
it names, the column's link — escaped and localized as {{ cell }} would (render_value_in_context).
Where django-tables2 does more than that (a value shown through the model's get_FOO_display, a
many-to-many or link column, a value that cannot be read), its own BoundRow.get_cell renders the
cell. tests/portfolio/test_table_body.py holds the body equal to django-tables2's template's."""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_tables2 import ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.utils import A, signature

register = template.Library()

# The keyword arguments django-tables2 offers a render method (BoundRow._optional_cell_arguments).
CELL_ARGUMENTS = frozenset({"value", "record", "column", "bound_column", "bound_row", "table"})


def _static_td(table, bound_column) -> str | None:
    """The column's formatted <td> attributes when they cannot vary by row, else None. The same
    dict BoundColumn.attrs starts from: the table's attrs overridden by the column's, "td" else
    "cell"."""
    merged = {**table.attrs, **bound_column.column.attrs}
    td = merged.get("td", merged.get("cell", {}))
    if any(callable(v) for v in td.values()):
        return None
    return bound_column.attrs["td"].as_html()


def _shown_through_choices(model, accessor) -> bool:
    """Whether django-tables2 shows the column's value through get_FOO_display: the accessor ends
    on a model field with choices."""
    if model is None:
        return True  # not rows of a model: leave every cell to django-tables2
    field = accessor.get_field(model)
    return field is not None and field.name == accessor.bits[-1] and bool(getattr(field, "choices", None))


class _Cells:
    """One column's cells, worked out once per table."""

    def __init__(self, table, bound_column):
        column = bound_column.column
        if column.localize is not None:
            raise template.TemplateSyntaxError("table_body_rows does not handle a column's `localize`.")
        self.table = table
        self.bound_column = bound_column
        self.name = bound_column.name
        self.td = _static_td(table, bound_column)
        self.accessor = A(bound_column.accessor)
        self.library_renders = isinstance(column, (ManyToManyColumn, BaseLinkColumn)) or _shown_through_choices(
            table._meta.model, self.accessor
        )
        self.render = bound_column.render
        self.link = bound_column.link
        self.default = bound_column.default
        self.empty_values = column.empty_values
        args, catch_all = signature(self.render)
        self.wanted = None if catch_all else args
        self.renders_nothing = not catch_all and not CELL_ARGUMENTS.issuperset(args)

    def __call__(self, row):
        if self.library_renders:
            return row.get_cell(self.name)
        record = row.record
        try:
            value = self.accessor.resolve(record)
        except Exception:  # noqa: BLE001 (django-tables2 decides what an unreadable value shows)
            return row.get_cell(self.name)
        if value in self.empty_values:
            return self.default
        arguments = {
            "value": value,
            "record": record,
            "column": self.bound_column.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": self.table,
        }
        if self.renders_nothing:
            content = None
        elif self.wanted is None:
            content = self.render(**arguments)
        else:
            content = self.render(**{name: arguments[name] for name in self.wanted})
        return self.link(content, **arguments) if self.link else content


@register.simple_tag(takes_context=True)
def table_body_rows(context, table):
    """The <tr> of every row of the table's current page (or the empty text's row), as
    django_tables2/table.html writes them. A column's `localize` (none of this site's sets it) is
    refused rather than ignored."""
    columns = [_Cells(table, column) for column in table.columns]
    out = []
    for row in table.paginated_rows:
        out.append(format_html("<tr {}>", row.attrs.as_html()))
        for cells in columns:
            cell = cells(row)
            attrs = cells.td
            if attrs is None:
                # Callable attributes are given the cell, as BoundRow.items gives them.
                bound_column = cells.bound_column
                bound_column.current_value, bound_column.current_record = cell, row.record
                attrs = bound_column.attrs["td"].as_html()
            out.append(f"<td {attrs}>{render_value_in_context(cell, context)}</td>")
        out.append("</tr>")
    if not out and table.empty_text:
        out.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text))
    return mark_safe("\n".join(out))  # noqa: S308 (every piece above is escaped or formatted)

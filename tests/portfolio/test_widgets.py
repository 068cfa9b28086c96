"""The filters' ListSelect writes what Django's Select writes: the same options, values, labels
(escaped), the chosen one selected, and the same attributes on the <select> (in any order)."""

import pytest
from django import forms
from django.test.html import parse_html

from portfolio.widgets import ListSelect
from projects.models import ResponsibleUnit


def normalised(html):
    """The HTML as a tree (Django's assertHTMLEqual): attribute order and blank text ignored."""
    return parse_html(str(html))


@pytest.mark.parametrize("chosen", [None, "second"])
def test_the_same_html_as_djangos_select(db, chosen):
    units = [
        ResponsibleUnit.objects.create(name=name, code=code) for name, code in (("县<交通>局", "a"), ("县水利局", "b"))
    ]
    data = {"unit": units[1].pk} if chosen else {}

    def form(widget):
        class Form(forms.Form):
            unit = forms.ModelChoiceField(
                queryset=ResponsibleUnit.objects.order_by("pk"), widget=widget, required=False, empty_label="全部"
            )
            state = forms.ChoiceField(choices=[("", "全部"), ("open", "未销号")], widget=widget, required=True)

        return Form(data)

    for name in ("unit", "state"):
        ours, django = form(ListSelect)[name], form(forms.Select)[name]
        assert normalised(ours) == normalised(django)
    assert "县&lt;交通&gt;局" in str(form(ListSelect)["unit"])
    if chosen:
        assert f'<option value="{units[1].pk}" selected>' in str(form(ListSelect)["unit"])


def test_grouped_choices_are_left_to_django(db):
    groups = [("甲", [("1", "一")]), ("乙", [("2", "二")])]
    assert normalised(ListSelect(choices=groups).render("g", "2")) == normalised(
        forms.Select(choices=groups).render("g", "2")
    )

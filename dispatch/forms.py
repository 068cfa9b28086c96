"""The problem pages' forms. They only collect and clean input; the services decide and write."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portfolio.fields import OneUnitField
from projects.models import ProgressReport, Project, ResponsibleUnit, User
from projects.params import as_object_id
from projects.roles import Role

from .models import ProblemType
from .selectors import person


def leader_accounts():
    return User.objects.filter(groups__name=Role.LEADER, is_active=True).order_by("last_name", "first_name", "username")


class DateInput(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates only."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class RaiseForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    report = forms.ModelChoiceField(
        label=_("Raised with report"),
        queryset=ProgressReport.objects.none(),
        required=False,
    )
    type = forms.ChoiceField(label=_("Type"), choices=ProblemType.choices)
    description = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 4}))
    # Only a dispatcher hands out at once; an office's form has none of these.
    unit = OneUnitField(label=_("Unit to solve it"), queryset=ResponsibleUnit.objects.all(), required=False)
    leader = forms.ModelChoiceField(label=_("Coordinating leader"), queryset=User.objects.none(), required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput)

    # At province scale a dispatcher sees 100,000 projects: the dropdown offers the chosen project
    # and at most this many matching the search (?q=, name or code); any visible project is accepted.
    PROJECT_CHOICES_MAX = 50

    def __init__(self, *args, projects, reports, dispatcher: bool, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].widget.choices = self._project_choices(projects, search)
        self.fields["report"].queryset = reports
        self.fields["report"].label_from_instance = lambda r: f"{r.project_year.project.name} {r.year}-{r.month:02d}"
        if dispatcher:
            self.fields["leader"].queryset = leader_accounts()
            self.fields["leader"].label_from_instance = person
        else:
            for name in ("unit", "leader", "deadline"):
                del self.fields[name]

    def _project_choices(self, projects, search: str) -> list[tuple]:
        offered = projects
        if search:
            offered = offered.filter(Q(code__icontains=search) | Q(name__icontains=search))
        chosen = self.data.get("project") if self.is_bound else self.initial.get("project")
        chosen = as_object_id(getattr(chosen, "pk", chosen) or "")
        rows = list(offered.values_list("pk", "name", "code")[: self.PROJECT_CHOICES_MAX + 1])
        self.more_projects = len(rows) > self.PROJECT_CHOICES_MAX
        rows = rows[: self.PROJECT_CHOICES_MAX]
        if chosen is not None and chosen not in {pk for pk, _name, _code in rows}:
            rows = list(projects.filter(pk=chosen).values_list("pk", "name", "code")) + rows
        return [("", "---------"), *((pk, f"{name} ({code})") for pk, name, code in rows)]


class AssignForm(forms.Form):
    # Listed while the units are few, typed (part of a name) beyond: OneUnitField.
    unit = OneUnitField(label=_("Unit to solve it"), queryset=ResponsibleUnit.objects.all())
    leader = forms.ModelChoiceField(label=_("Coordinating leader"), queryset=User.objects.none(), required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leader_accounts()
        self.fields["leader"].label_from_instance = person


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SolveForm(forms.Form):
    resolution = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class LeadersForm(forms.Form):
    leaders = forms.ModelMultipleChoiceField(
        label=_("Linked leaders"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = leader_accounts()
        self.fields["leaders"].label_from_instance = person

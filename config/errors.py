"""The 400 page: says which request parameter was refused and why (projects.params), in the
reader's language, instead of Django's bare "Bad Request"."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from projects.params import ParameterRefused


def bad_request(request, exception=None):
    if isinstance(exception, ParameterRefused):
        message = str(exception.args[0])
    else:
        message = _("The request could not be understood.")
    return render(request, "400.html", {"message": message}, status=400)

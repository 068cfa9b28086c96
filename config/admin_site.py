"""The admin site: Django's, with one guard every admin page shares (installed as the default
site by config.apps.AdminConfig, as Django's documentation describes for overriding it)."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.options import TO_FIELD_VAR


class AdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        """Every admin view, refusing an empty `_to_field` (the field a pop-up picks rows by) as a
        bad request, as Django refuses a field that may not be referenced: Django's views test
        the value for truth before checking it, then look up a field named "" (a server error)."""

        def checked(request, *args, **kwargs):
            sent = [request.GET.get(TO_FIELD_VAR)]
            if request.method == "POST":
                sent.append(request.POST.get(TO_FIELD_VAR))
            if "" in sent:
                raise DisallowedModelAdminToField("An empty _to_field.")
            return view(request, *args, **kwargs)

        return super().admin_view(update_wrapper(checked, view), cacheable)

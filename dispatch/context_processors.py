"""What every page's navigation needs from the dispatch app: whether to offer 「我的项目」."""

from django.utils.functional import SimpleLazyObject

from projects.roles import Role, has_role


def dispatch_nav(request) -> dict:
    # Lazy: only the leaders' pages ask, so the admin's pages pay no query for it.
    return {"is_leader": SimpleLazyObject(lambda: has_role(getattr(request, "user", None), Role.LEADER))}

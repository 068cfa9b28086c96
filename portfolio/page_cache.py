"""The leaders' pages keep their rendered figures until the data changes.

A page's costly parts (the rollup and its tables, 需重点调度, the charts, a list's rows and
filters, a project's figures and history) are rendered once and kept in the "pages" cache under a
key made of:

- the data token (freshness.data_token(), read before any data): every committed write to the
  tracked tables changes it, so nothing is served after a change;
- today's date (序时进度, overdue milestones and the reporting month move with it), the language, and
  the settings the rules read (the flags' thresholds, the reports' due day, the lists' bounds);
- the page, and what the fragment depends on: the user's scope of rows (projects.permissions.scope:
  users with the same scope see the same rows) and the request's parameters.

What belongs to one user — their name, forms with a CSRF token, messages, the offer to raise a
problem — is never inside a shared fragment. What follows from the role and the scope only (the
work queue's counts, the open problems of the projects in scope) is kept per role and scope.

A user who asks for the same page again, nothing having changed, is answered with the page they
were last sent (`cached_page`): kept under the same token and day, and under their own user and
session. Its forms' CSRF tokens are not kept: the page is rendered with a slot where each token goes
(`csrf_slot`, a context processor) and every answer, fresh or kept, fills the slots with a token made
for the request (django.middleware.csrf.get_token, which also issues the CSRF cookie when the browser
has none). A page showing messages is never kept, nor served from the cache while messages wait.

The cache is Django's cache framework, alias "pages" (settings.CACHES): memory of each process by
default, a folder shared by one server's workers with DJANGO_PAGE_CACHE_DIR. Because the token is
read from the database on every request, separate caches on several servers stay correct: a
server whose memory holds an old fragment never asks for its key again.
"""

import hashlib
import uuid
from collections.abc import Callable
from functools import cache, wraps
from typing import TypeVar

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from projects import roles

from .freshness import data_token

T = TypeVar("T")
ALIAS = "pages"
# Settings whose values change what the pages show (projects/rules.py, dispatch, the lists).
RULE_SETTINGS = ("PORTFOLIO_", "DISPATCH_", "LIST_")


def _rule_settings() -> tuple:
    return tuple((name, getattr(settings, name)) for name in dir(settings) if name.startswith(RULE_SETTINGS))


class PageKey(str):
    """A fragment key; `seconds` is how long to keep it (0 when nothing may be kept)."""

    seconds: int


class PageKeys:
    """The keys of one request's fragments. Made once per request (page_keys), before any data
    the fragments show is read: it reads the data token then."""

    def __init__(self):
        self.token = data_token()
        self.day = timezone.localdate().isoformat()
        self.language = get_language()
        self.rules = _rule_settings()

    def __call__(self, name: str, *parts) -> PageKey:
        if self.token is None:  # no version row (a database being set up): keep nothing
            key = PageKey(f"{name}:uncached:{uuid.uuid4().hex}")
            key.seconds = 0
            return key
        digest = hashlib.sha256(repr((parts, self.rules)).encode()).hexdigest()[:32]
        key = PageKey(f"{name}:{self.token}:{self.day}:{self.language}:{digest}")
        key.seconds = settings.PAGE_CACHE_SECONDS
        return key


def page_keys(request) -> PageKeys:
    """The request's keys (one token read per request, however many fragments). The user's groups
    are kept under the token too (they are tracked data: a change of groups changes it), so a
    repeat view does not read them again."""
    keys = getattr(request, "page_keys", None)
    if keys is None:
        keys = request.page_keys = PageKeys()
        user = request.user
        if user.is_authenticated:
            roles.remember_groups(user, cached(keys("groups", user.pk), lambda: roles.group_names(user)))
    return keys


def cached(key: PageKey, build: Callable[[], T]) -> T:
    """What is kept under `key`, else build() (and keep it)."""
    cache = caches[ALIAS]
    value = cache.get(key) if key.seconds else None
    if value is None:
        value = build()
        if key.seconds:
            cache.set(key, value, key.seconds)
    return value


def cached_body(request, name: str, parts: tuple, render: Callable) -> SafeString:
    """A list page's filters and table (a django-filter / django-tables2 view's response, rendered
    by `render()` with its body template) from the cache, or rendered and kept, for every user of
    the scope. The page around it — header, links, messages — is the user's own (cached_page)."""
    key = page_keys(request)(name, *parts)
    return mark_safe(cached(key, lambda: render().rendered_content))  # rendered by our template, escaped there


@cache
def _slot() -> str:
    """What stands for the CSRF token in a page being kept: the same in every process sharing the
    cache (made from SECRET_KEY), and nothing a user could guess and put in the data."""
    return "csrf-slot-" + salted_hmac("portfolio.page_cache.csrf_slot", "slot").hexdigest()


def csrf_slot(request) -> dict:
    """Context processor (after Django's own csrf one, so it wins): while cached_page renders a
    page, {% csrf_token %} writes the slot instead of a token."""
    return {"csrf_token": _slot()} if getattr(request, "rendering_page_copy", False) else {}


def cached_page(view):
    """`view` (a GET page of the leaders' site) answered from the user's own copy while nothing has
    changed. The copy is keyed by the token, the day, the language and the rules' settings (PageKeys),
    the user, their session and the full path. It is kept only of HTML (a download keeps its own
    headers), from a 200 that set no cookie and showed no messages; its CSRF slots are filled for each
    answer (see the module's docstring). A hit skips what the view checks per request (who may see
    the page) only for the user it was made for, under the same data: the check would come out the
    same."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if request.method != "GET" or not user.is_authenticated or len(get_messages(request)):
            # (waiting messages: the page shows, and uses, them)
            return view(request, *args, **kwargs)
        key = page_keys(request)(
            "page", user.pk, request.COOKIES.get(settings.SESSION_COOKIE_NAME), request.get_full_path()
        )
        store = caches[ALIAS]
        kept = store.get(key) if key.seconds else None
        if kept is not None:
            content_type, content = kept
            return HttpResponse(_fill(content, request), content_type=content_type)
        request.rendering_page_copy = True
        try:
            response = view(request, *args, **kwargs)
            if not response.streaming and callable(getattr(response, "render", None)):
                response.render()  # a TemplateResponse: rendered now, with the slots
        finally:
            request.rendering_page_copy = False  # an error page rendered after this has real tokens
        if response.streaming:
            return response
        if (
            key.seconds
            and response.status_code == 200
            and not response.cookies
            and response["Content-Type"].startswith("text/html")
            and not get_messages(request).used
        ):
            store.set(key, (response["Content-Type"], response.content), key.seconds)
        response.content = _fill(response.content, request)
        return response

    return wrapper


def _fill(content: bytes, request) -> bytes:
    slot = _slot().encode()
    return content.replace(slot, get_token(request).encode()) if slot in content else content

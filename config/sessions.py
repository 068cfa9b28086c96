"""Sessions end after a working day of idleness, not a working day after signing in.

Django stores a session's expiry when the session is saved, and saves it only when its data
changes, so on its own a session dies SESSION_COOKIE_AGE after sign-in however busy the user is.
SESSION_SAVE_EVERY_REQUEST would fix that at the cost of an UPDATE on every request. Instead this
middleware touches a signed-in session at most once every SESSION_REFRESH_SECONDS: the touch
marks it modified, SessionMiddleware saves it, and the stored expiry moves to now + the age.
A session is therefore ended by SESSION_COOKIE_AGE of idleness (less at most the refresh interval),
and still by closing the browser (SESSION_EXPIRE_AT_BROWSER_CLOSE)."""

from django.conf import settings
from django.utils import timezone

REFRESHED_AT = "config.sessions.refreshed_at"


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            last = request.session.get(REFRESHED_AT, 0)
            if now - last >= settings.SESSION_REFRESH_SECONDS:
                request.session[REFRESHED_AT] = now  # modified → saved with a fresh expiry
        return self.get_response(request)


def stamp_sign_in(sender, request, user, **kwargs):
    """A new sign-in counts as the latest refresh, so the first pages after it write nothing."""
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED_AT] = int(timezone.now().timestamp())

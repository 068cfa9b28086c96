"""Chinese for everyone unless they pick English with the switcher.

Django's LocaleMiddleware follows the browser's Accept-Language, which would hand county staff
with an English-language browser an English admin. Here only the language cookie (set by
/i18n/setlang/) can move a user off the default."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()

"""Query parameters refused before any view reads them: one holding a NUL character is a 400 that
names it (projects.params.refuse_nul), on every page, the admin's included. PostgreSQL refuses NUL
in any string, so a filter, search or lookup given one was a server error on PostgreSQL and a
silent no-match on SQLite; no link or form here writes one. Form fields refuse it on their own
(Django's CharField), so request bodies are left to them."""

from projects.params import refuse_nul


class QueryParametersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refuse_nul(request.GET)
        return self.get_response(request)

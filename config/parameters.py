"""Request parameters refused before any view reads them: a query parameter or a form field (not
an uploaded file's content) holding a NUL character is a 400 that names it
(projects.params.refuse_nul), on every page, the admin's included. PostgreSQL refuses NUL in any
string, so a filter, search, lookup or token given one was a server error on PostgreSQL and a
silent no-match on SQLite; no link or form here writes one, and no one types it."""

from projects.params import refuse_nul


class RequestParametersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refuse_nul(request.GET)
        if request.method == "POST":
            refuse_nul(request.POST)  # form fields only: files are request.FILES
        return self.get_response(request)

"""Refuse, with a 400, a request whose URL, headers or cookies carry a NUL character.

PostgreSQL takes no NUL in a text or jsonb value, so a NUL that reaches a query or a row (a
manage token in the path, an admin list filter, a session cookie, a User-Agent written to the
audit trail) is a DataError and a 500. No client has a reason to send one: the request is
refused here, before any view, for the whole site at once. Request bodies are checked where
they are parsed (kernel.api.SafeJSONParser for the API; the forms' own validation for
the staff panel).
"""

from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseBadRequest, JsonResponse

from kernel.error_codes import CommonErrors
from kernel.text import NULL_CHARACTER_MESSAGE

API_PREFIX = "/api/"


def _nul_in_request(request) -> str | None:
    """Where the request carries a NUL (the path, the query string, a header, a cookie), or None."""
    if "\x00" in request.path:
        return "path"
    try:
        query = request.GET.lists()
    except SuspiciousOperation:
        query = []  # too many parameters: the view that reads them answers that
    for key, values in query:
        if "\x00" in key or any("\x00" in value for value in values):
            return "query string"
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            return key.removeprefix("HTTP_").replace("_", "-").title() + " header"
    # Cookie values are unquoted ("\\000" is a NUL) after the header was checked.
    for key, value in request.COOKIES.items():
        if "\x00" in key or "\x00" in value:
            return "cookies"
    return None


class RejectNulCharactersMiddleware:
    """Early in MIDDLEWARE: before the session middleware looks a session cookie up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = _nul_in_request(request)
        if where is None:
            return self.get_response(request)
        message = f"{NULL_CHARACTER_MESSAGE[:-1]} (in the request's {where})."
        if request.path_info.startswith(API_PREFIX):
            body = {"error": {"code": CommonErrors.MALFORMED_REQUEST, "message": message, "fields": {}}}
            return JsonResponse(body, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

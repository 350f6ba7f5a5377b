"""When a backing service is down: answer 503 with Retry-After, never a 500 or a hang.

The database: a request that cannot reach PostgreSQL (refused, reset, dropped mid-request,
out of connections) is answered 503 with `Retry-After` — in the API's one error shape under
/api/, a plain page elsewhere (the staff panel). Django discards the broken connection at the
end of the request and opens a new one on the next, so the site recovers by itself when the
database is back.

Two hooks, because a query may fail in a view or in a middleware (the session saved after
the view): DatabaseUnavailableMiddleware.process_exception for views, server_error
(handler500) for the rest.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

from kernel.error_codes import CommonErrors

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = "The service is briefly unavailable. Please try again in a minute."


def is_database_unavailable(exception: BaseException | None) -> bool:
    """Whether the error is the database being unreachable (not a bad query or a constraint)."""
    return isinstance(exception, OperationalError | InterfaceError)


def unavailable_response(request) -> HttpResponse:
    """503 with Retry-After: the error shape for the API, a plain page for everything else."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith(API_PREFIX):
        body = {
            "error": {"code": CommonErrors.SERVICE_UNAVAILABLE, "message": UNAVAILABLE_MESSAGE, "fields": {}}
        }
        return JsonResponse(body, status=503, headers=headers)
    # Rendered without the request: its context processors (the user, messages) read the database.
    page = loader.get_template("503.html").render({"message": UNAVAILABLE_MESSAGE})
    return HttpResponse(page, status=503, headers=headers)


class DatabaseUnavailableMiddleware:
    """Turns a view's database outage into a 503 (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.error("Database unavailable (%s): %s answered 503", type(exception).__name__, request.path)
        return unavailable_response(request)


def server_error(request):
    """handler500: a database outage outside a view is a 503 too; anything else is Django's 500."""
    exception = sys.exc_info()[1]
    if is_database_unavailable(exception):
        return unavailable_response(request)
    return django_server_error(request)

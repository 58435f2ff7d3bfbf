"""Generic error pages that show an incident id and nothing internal.

The incident id is written to the application log next to the failure, so support staff
can find the traceback without the user ever seeing it.
"""

import logging
import uuid

from django.shortcuts import render

logger = logging.getLogger("harbour.errors")


def incident_id(request) -> str:
    if not getattr(request, "incident_id", None):
        request.incident_id = uuid.uuid4().hex[:12].upper()
    return request.incident_id


class IncidentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Only the exception type and the path: never the request body or the values.
        logger.error(
            "incident %s: %s on %s %s (user %s)",
            incident_id(request),
            type(exception).__name__,
            request.method,
            request.path,
            getattr(request.user, "pk", None),
            exc_info=exception,
        )


def _render(request, status: int, title: str, message: str):
    if status != 500:
        logger.info(
            "incident %s: %s on %s %s (user %s)",
            incident_id(request),
            status,
            request.method,
            request.path,
            getattr(getattr(request, "user", None), "pk", None),
        )
    return render(
        request,
        "error.html",
        {"status": status, "title": title, "message": message, "incident": incident_id(request)},
        status=status,
    )


def bad_request(request, exception=None):
    return _render(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request, exception=None):
    return _render(request, 403, "Not allowed", "You do not have permission to do this.")


def page_not_found(request, exception=None):
    return _render(
        request, 404, "Not found", "There is nothing here, or you do not have access to it."
    )


def server_error(request):
    return _render(
        request,
        500,
        "Something went wrong",
        "The error has been recorded. Nothing you entered on this page was saved.",
    )

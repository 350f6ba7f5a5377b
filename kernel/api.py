"""The API's shared pieces: the one error shape, its exception handler and the JSON parser."""

from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousMultipartForm,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kernel.error_codes import CommonErrors
from kernel.errors import ServiceError
from kernel.text import unstorable_text_error


def error_response(
    code: str, message: str, *, status_code: int, fields: dict | None = None, headers: dict | None = None
) -> Response:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return Response(body, status=status_code, headers=headers)


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's nested error detail -> {"field" or "field.sub" or "items.0.code": [reasons]}."""
    flat: dict[str, list[str]] = {}

    def walk(value, prefix: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{prefix}.{key}" if prefix else str(key))
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for index, item in enumerate(value):
                if item:
                    walk(item, f"{prefix}.{index}" if prefix else str(index))
        else:
            reasons = value if isinstance(value, list) else [value]
            flat.setdefault(prefix or "non_field_errors", []).extend(str(reason) for reason in reasons)

    walk(detail, "")
    return flat


def exception_handler(exc, context):
    """Every 4xx in one shape: {"error": {"code", "message", "fields"}}."""
    if isinstance(exc, ServiceError):
        return error_response(exc.code, exc.message, status_code=exc.status_code, fields=exc.fields)
    if isinstance(exc, RequestDataTooBig):
        return error_response(
            CommonErrors.REQUEST_TOO_LARGE,
            "The request body is too large.",
            status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent | SuspiciousMultipartForm):
        # Django's refusals to read a request (past DATA_UPLOAD_MAX_NUMBER_FIELDS or _FILES, a
        # broken multipart body): a 400 like Django's own, in our shape rather than its page.
        return error_response(
            CommonErrors.MALFORMED_REQUEST,
            "The request cannot be read: too many parameters or files, or a broken multipart body.",
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.items()), ("", ["Invalid input."]))
        message = f"{first[0]}: {first[1][0]}" if first[0] != "non_field_errors" else first[1][0]
        return error_response(CommonErrors.INVALID, message, status_code=400, fields=fields)
    if isinstance(exc, exceptions.ParseError):
        return error_response(CommonErrors.MALFORMED_REQUEST, str(exc.detail), status_code=400)
    headers = {key: value for key, value in response.headers.items() if key in ("Retry-After", "Allow")}
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if isinstance(exc, exceptions.Throttled):
        code = CommonErrors.THROTTLED
    return error_response(
        code if isinstance(code, str) else "error",
        str(getattr(exc, "detail", exc)),
        status_code=response.status_code,
        headers=headers,
    )


def refuse_unstorable_text(data) -> None:
    """A 400 naming the first string (value or key) of a parsed body that no column can hold.

    One answer for every field of every endpoint, typed or not: no NUL or lone surrogate gets
    past the parser to a serializer's error message, a service, or the database. Iterative, so
    a body nested as deeply as the JSON parser allows is walked without a RecursionError.
    """
    pending: list[tuple[str, object]] = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            reason = unstorable_text_error(value)
            if reason:
                raise exceptions.ValidationError({path or "non_field_errors": [reason]})
        elif isinstance(value, dict):
            children = []
            for key, item in value.items():
                reason = unstorable_text_error(key)
                name = key if reason is None else key.encode("unicode_escape").decode("ascii")
                name = f"{path}.{name}" if path else name
                if reason:
                    raise exceptions.ValidationError({name: [reason]})
                children.append((name, item))
            pending.extend(reversed(children))  # popped in the body's order
        elif isinstance(value, list):
            children = [(f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value)]
            pending.extend(reversed(children))


class SafeJSONParser(JSONParser):
    """JSON parser that answers with a 400, not a 500: for a pathologically nested body, and for a
    string that no column can hold (a NUL or a lone surrogate, anywhere in the body)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError("JSON parse error - the body is nested too deeply.") from exc
        refuse_unstorable_text(data)
        return data


def not_found(request, exception=None):
    """handler404: the API's 404s in the one error shape; every other page as Django renders it."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        body = {
            "error": {
                "code": CommonErrors.NOT_FOUND,
                "message": "There is nothing at this address.",
                "fields": {},
            }
        }
        return JsonResponse(body, status=404)
    return page_not_found(request, exception)

"""The one error shape as the OpenAPI document describes it, and the error responses every API shares.

Each endpoint documents its 4xx/5xx with these (or with `documented_error("what went wrong")`
for its own), so every error in the document has the same schema: {"error": {"code",
"message", "fields"}} (kernel/api.py makes every answer take it).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorOutputSerializer(serializers.Serializer):
    """The one error shape of every 4xx."""

    error = ErrorDetailOutputSerializer()


def documented_error(description: str) -> OpenApiResponse:
    """An error response of an endpoint: the one error shape, with what it means there."""
    return OpenApiResponse(ErrorOutputSerializer, description=description)


INVALID = documented_error("Invalid input; `fields` names each field at fault.")
THROTTLED = documented_error("Too many requests; see Retry-After.")
TOO_LARGE = documented_error("The request body is too large.")
NO_PRICING_POLICY = documented_error("No pricing policy is in effect.")

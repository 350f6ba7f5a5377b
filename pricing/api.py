"""The public, read-only pricing API: the menu and the stations."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kernel.openapi import NO_PRICING_POLICY, THROTTLED
from pricing.selectors import menu_read, stations_active
from pricing.serializers import MenuOutputSerializer, StationOutputSerializer

UNAVAILABLE = NO_PRICING_POLICY


class MenuReadApi(APIView):
    throttle_scope = "public"

    @extend_schema(
        operation_id="menu_read",
        tags=["pricing"],
        summary="The menu and its prices",
        description=(
            "Per-guest prices, the base proteins, what every meal includes, upgrades and add-ons "
            "(per serving), the party minimum, the deposit and the suggested gratuity. "
            "Prices are for display: quotes are always computed by the server."
        ),
        responses={200: MenuOutputSerializer, 429: THROTTLED, 503: UNAVAILABLE},
    )
    def get(self, request: Request) -> Response:
        return Response(MenuOutputSerializer(menu_read()).data)


class StationListApi(APIView):
    throttle_scope = "public"

    @extend_schema(
        operation_id="stations_list",
        tags=["pricing"],
        summary="Active stations and their travel rules",
        description=(
            "Each active station with the travel rules in effect today: the free miles, the "
            "price per mile past them, and the farthest it travels."
        ),
        responses={200: StationOutputSerializer(many=True), 429: THROTTLED},
    )
    def get(self, request: Request) -> Response:
        return Response(StationOutputSerializer(stations_active(), many=True).data)

from django.urls import path

from pricing.api import MenuReadApi, StationListApi

urlpatterns = [
    path("menu/", MenuReadApi.as_view(), name="menu-read"),
    path("stations/", StationListApi.as_view(), name="station-list"),
]

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from myhibachi.urls import urlpatterns as project_urlpatterns


class TrivialApi(APIView):
    """The ceiling: a DRF JSON view that does no work, served by the same server."""

    throttle_classes: list = []

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [path("bench/trivial/", TrivialApi.as_view()), *project_urlpatterns]

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from myhibachi.urls import urlpatterns as project_urlpatterns


class TrivialApi(APIView):
    """The ceiling: a DRF JSON view that does no work, served by the same server.

    Behind the API's throttle class like every endpoint (its rate lifted in bench/settings.py),
    so that the ratio measures the endpoint's own work, not the throttle's.
    """

    throttle_scope = "public"

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [path("bench/trivial/", TrivialApi.as_view()), *project_urlpatterns]

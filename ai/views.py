"""A page that shows the chat widget on its own: for trying it and for its tests.

The customer website includes templates/assistant/widget.html in its base template; this page
exists so the widget can be exercised before (and apart from) that site.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def widget_demo(request: HttpRequest) -> HttpResponse:
    return render(request, "assistant/demo.html")

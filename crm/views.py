"""The unsubscribe page of marketing emails: /unsubscribe/<token>/ (no login; the token is signed).

GET shows what will happen and one button; nothing changes on a GET, so a mail scanner that
follows links unsubscribes nobody. POST unsubscribes at once: the page's button, and the
RFC 8058 one-click POST a mail client sends (body "List-Unsubscribe=One-Click", no cookies,
no CSRF token — which is why the view is csrf_exempt: the signed token is the authority, and
the worst a forged POST can do is what the token's owner asked for).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from audit.actor import Actor
from crm.services import delivery_unsubscribe
from crm.tokens import delivery_from_unsubscribe_token
from kernel.client_ip import client_ip

ONE_CLICK_BODY = "List-Unsubscribe=One-Click"
TEMPLATE = "crm/unsubscribe.html"


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    ip_address = client_ip(request)
    delivery = delivery_from_unsubscribe_token(token, ip_address=ip_address)
    if delivery is None:
        return TemplateResponse(request, TEMPLATE, {"state": "invalid"}, status=404)
    customer = delivery.customer
    if request.method in ("GET", "HEAD"):
        state = "confirm" if customer.email_consent else "done"
        return TemplateResponse(request, TEMPLATE, {"state": state, "email": customer.email})
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    delivery_unsubscribe(
        delivery=delivery,
        actor=Actor.customer(
            label="customer by unsubscribe link",
            ip_address=ip_address,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ),
        method="one-click" if one_click else "link",
    )
    return TemplateResponse(request, TEMPLATE, {"state": "done", "email": customer.email})

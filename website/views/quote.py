"""The instant quote: a GET form (shareable, works without JavaScript); htmx swaps only the total."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from kernel.errors import ServiceError
from pricing.quote import quote_compute
from pricing.selectors import PricingUnavailable, menu_read
from website.forms import QuoteForm
from website.throttle import throttled_response
from website.views.common import field_errors

QUOTE_FIELD_MAP = {
    "zip_code": "zip_code",
    "party_adults": "party_adults",
    "party_kids": "party_kids",
    "party_toddlers": "party_toddlers",
    "items": "__all__",
}


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_GET
def quote(request: HttpRequest) -> HttpResponse:
    try:
        menu = menu_read()
    except PricingUnavailable:
        return render(request, "site/503.html", status=503)
    form = QuoteForm(request.GET or None, catalogue_items=menu["upgrades"] + menu["addons"])
    result = book_url = None
    if form.is_bound:
        if limited := throttled_response(request, "quotes"):
            return limited
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = quote_compute(zip_code=data["zip_code"], on_date=data["event_date"], **form.party())
            except ServiceError as exc:
                for name, message in field_errors(exc, QUOTE_FIELD_MAP).items():
                    form.add_error(None if name == "__all__" else name, message)
            else:
                query = {**form.party_query(), "zip_code": data["zip_code"]}
                if data["event_date"]:
                    query["month"] = data["event_date"].strftime("%Y-%m")
                book_url = f"{reverse('website:book')}?{urlencode(query)}"
    context = {"form": form, "menu": menu, "quote": result, "book_url": book_url}
    template = "site/_quote_result.html" if is_htmx(request) else "site/quote.html"
    return render(request, template, context, status=400 if form.errors and not is_htmx(request) else 200)

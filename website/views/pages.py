"""The public pages: home, reviews, contact, robots.txt, sitemap.xml, and the error pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Avg, Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ai.models import Knowledge
from audit.actor import Actor
from core.selectors import reviews_public
from crm.models import Lead
from kernel.contact import normalize_phone
from kernel.errors import ServiceError
from leads.models import LeadEvent
from leads.services import lead_capture
from pricing.selectors import PricingUnavailable, menu_read, stations_active
from website.forms import ContactForm
from website.throttle import throttled_response
from website.views.common import field_errors

HOME_REVIEWS = 3
REVIEWS_PER_PAGE = 10
# The pages a search engine may list (sitemap.xml); every other page is a customer's own.
PUBLIC_PAGES = ("website:home", "website:quote", "website:book", "website:reviews", "website:contact")


def _review_summary() -> dict:
    return reviews_public().order_by().aggregate(average=Avg("rating"), count=Count("id"))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    try:
        menu = menu_read()
    except PricingUnavailable:
        menu = None
    context = {
        "menu": menu,
        "reviews": list(reviews_public()[:HOME_REVIEWS]),
        "review_summary": _review_summary(),
        "stations": list(stations_active()),
        "faqs": list(
            Knowledge.objects.filter(is_active=True, category=Knowledge.Category.FAQ).only("title", "body")
        ),
    }
    return render(request, "site/home.html", context)


@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    page = Paginator(reviews_public(), REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "site/reviews.html", {"page": page, "review_summary": _review_summary()})


CONTACT_FIELD_MAP = {"email": "email", "phone": "phone", "zip_code": "zip_code", "first_name": "first_name"}


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if limited := throttled_response(request, "leads"):
            return limited
        if form.is_valid():
            data = form.cleaned_data
            try:
                phone = normalize_phone(data["phone"], field="phone") if data["phone"] else ""
                lead_capture(
                    source=Lead.Source.WEBSITE,
                    event_type=LeadEvent.Type.INQUIRY,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    phone=phone,
                    event_date=data["event_date"],
                    party_adults=data["party_adults"],
                    zip_code=data["zip_code"],
                    message=data["message"],
                    payload={"channel": "website_contact_page"},
                    actor=Actor.customer_of_request(request, label=data["email"] or phone),
                )
            except ServiceError as exc:
                for name, message in field_errors(exc, CONTACT_FIELD_MAP).items():
                    form.add_error(None if name == "__all__" else name, message)
            else:
                return redirect("website:contact-thanks")
    return render(request, "site/contact.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def contact_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "site/contact_thanks.html")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /manage/",
        "Disallow: /pay/",
        f"Sitemap: {request.build_absolute_uri(reverse('website:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    urls = [request.build_absolute_uri(reverse(name)) for name in PUBLIC_PAGES]
    return render(request, "site/sitemap.xml", {"urls": urls}, content_type="application/xml; charset=utf-8")

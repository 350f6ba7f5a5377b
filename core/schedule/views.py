"""The schedule pages of the staff panel: thin views over the selectors of this package.

Each page is an admin page (admin.site.admin_view: logged-in staff only) and reads through the
station-scoping policy; a row outside the user's scope is a 404, a page their role does not
grant a 403.
"""

from __future__ import annotations

import datetime
import uuid

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.models import Booking, CalendarFeed
from core.schedule.calendar import PERIODS, STATUS_COLOURS, WEEK, calendar_for, calendar_stations
from core.schedule.feeds import feed_by_token, feed_render, feed_token
from core.schedule.run_sheet import run_sheet_chefs, run_sheet_for
from core.services.calendar_feeds import calendar_feed_issue, calendar_feed_revoke
from identity import scoping
from identity.staff_panel.audit_trail import admin_actor
from kernel.errors import ServiceError
from ops.models import Chef
from ops.policy import CHEF_DETAILS_DAYS_BEFORE


def _page(request: HttpRequest, template: str, title: str, **context) -> HttpResponse:
    return render(request, template, {**admin.site.each_context(request), "title": title, **context})


def _date_param(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _require(request: HttpRequest, code: str) -> None:
    if not scoping.user_has_permission(request.user, code):
        raise PermissionDenied


def calendar_page(request: HttpRequest) -> HttpResponse:
    """Days by chefs for a week or a month at one of the user's stations."""
    _require(request, "booking.read")
    period = request.GET.get("period", WEEK)
    calendar = calendar_for(
        request.user,
        station_id=request.GET.get("station") or None,
        period=period if period in PERIODS else WEEK,
        anchor=_date_param(request.GET.get("start"), timezone.localdate())
        if request.GET.get("start")
        else None,
    )
    title = "My parties" if calendar.chef_only else "Calendar"
    legend = [(status, colour, Booking.Status(status).label) for status, colour in STATUS_COLOURS.items()]
    return _page(request, "admin/schedule/calendar.html", title, calendar=calendar, legend=legend)


def run_sheet_page(request: HttpRequest) -> HttpResponse:
    """One chef's day, printable: address, arrival, contact, party, proteins, what to bring."""
    _require(request, "booking.read")
    chefs = run_sheet_chefs(request.user)
    chef_id = request.GET.get("chef")
    if chef_id:
        try:
            chef = chefs.filter(pk=uuid.UUID(chef_id)).first()
        except ValueError:
            chef = None
        if chef is None:
            raise Http404("No such chef.")
    else:
        chef = chefs.filter(user=request.user).first() or chefs.first()
    date = _date_param(request.GET.get("date"), timezone.localdate())
    sheet = run_sheet_for(request.user, chef=chef, date=date) if chef is not None else None
    title = f"Run sheet · {chef.name} · {date:%a %b} {date.day}" if chef else "Run sheet"
    return _page(
        request,
        "admin/schedule/run_sheet.html",
        title,
        sheet=sheet,
        chefs=None if scoping.access_for(request.user).chef_only else list(chefs),
        details_days=CHEF_DETAILS_DAYS_BEFORE,
        date=date,
        previous_date=date - datetime.timedelta(days=1),
        next_date=date + datetime.timedelta(days=1),
    )


def feeds_page(request: HttpRequest) -> HttpResponse:
    """The user's private calendar feeds: issue a URL, replace it, or revoke it."""
    _require(request, "booking.read")
    user = request.user
    own_chef = Chef.objects.filter(user=user, is_active=True).select_related("station").first()
    stations = [] if scoping.access_for(user).chef_only else list(calendar_stations(user))
    if request.method == "POST":
        try:
            _feeds_post(request, own_chef=own_chef, stations=stations)
        except ServiceError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("staff-calendar-feeds"))
    feeds = {
        (feed.chef_id, feed.station_id): feed
        for feed in CalendarFeed.objects.filter(owner=user, revoked_at__isnull=True)
    }

    def url_of(feed: CalendarFeed | None) -> str | None:
        if feed is None:
            return None
        return request.build_absolute_uri(reverse("calendar-feed", args=[feed_token(feed)]))

    rows = []
    if own_chef is not None:
        rows.append(
            {
                "label": f"My parties ({own_chef.name})",
                "kind": "chef",
                "id": own_chef.pk,
                "url": url_of(feeds.get((own_chef.pk, None))),
            }
        )
    for station in stations:
        rows.append(
            {
                "label": f"Every party at {station.name}",
                "kind": "station",
                "id": station.pk,
                "url": url_of(feeds.get((None, station.pk))),
            }
        )
    return _page(request, "admin/schedule/feeds.html", "Calendar feeds", rows=rows)


def _feeds_post(request: HttpRequest, *, own_chef: Chef | None, stations: list) -> None:
    kind, target = request.POST.get("kind"), request.POST.get("id", "")
    chef = own_chef if kind == "chef" and own_chef is not None and str(own_chef.pk) == target else None
    station = next((s for s in stations if kind == "station" and str(s.pk) == target), None)
    if chef is None and station is None:
        raise ServiceError("Choose one of your feeds.")
    actor = admin_actor(request)
    if request.POST.get("do") == "revoke":
        feed = CalendarFeed.objects.filter(owner=request.user, chef=chef, station=station).first()
        if feed is not None:
            calendar_feed_revoke(feed=feed, actor=actor)
        messages.success(request, "The feed's address no longer works.")
        return
    calendar_feed_issue(owner=request.user, chef=chef, station=station, actor=actor)
    messages.success(request, "A new feed address is ready; the previous one no longer works.")


@require_GET
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS feed behind a signed private URL (no login: calendar apps fetch it)."""
    feed = feed_by_token(token)
    if feed is None:
        raise Http404("No such feed.")
    response = HttpResponse(feed_render(feed), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response

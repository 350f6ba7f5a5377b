"""Staff panel tests' data: the demo seed (two stations, one login per role), once per module.

Used through the `demo` and `login` fixtures (tests/identity/conftest.py, tests/audit/conftest.py).

`manage.py seed --demo` makes Fremont and Sacramento, with bookings, customers, chefs, leads
and payments at each, and the logins super_admin@, admin@ (both stations),
manager.fremont@, manager.sacramento@, support@ (Fremont) and chef@ (Kenji, a Fremont chef).
A few rows the seed does not make are added: audit rows at each station, security events,
and time off for Kenji (so that the chef login has availability of their own).
"""

import datetime
import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.actor import Actor
from audit.models import AuditLog, SecurityEvent
from audit.services import audit_log_write, security_event_record
from core.models import Booking, Customer, Payment
from crm.models import Lead
from identity.models import Station, User
from myhibachi.seeding.demo.context import FREMONT, SACRAMENTO
from ops.models import Chef, ChefAvailability
from pricing.models import PricingPolicy

SUPER_ADMIN = "super_admin@myhibachi.test"
ADMIN = "admin@myhibachi.test"
MANAGER_FREMONT = "manager.fremont@myhibachi.test"
MANAGER_SACRAMENTO = "manager.sacramento@myhibachi.test"
SUPPORT = "support@myhibachi.test"
CHEF = "chef@myhibachi.test"
CHEF_EMAIL = "kenji.tanaka@myhibachi.test"  # the ops.Chef row of the chef login
DEMO_PASSWORD = "hibachi-demo-2026"  # the demo's published password
CLIENT_IP = "198.51.100.23"
CLIENT_AGENT = "pytest-staff-browser/1.0"


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@dataclass
class Demo:
    fremont: Station
    sacramento: Station
    # model -> (a Fremont row, a Sacramento row); None where the model has no station.
    rows: dict

    def row(self, model, where: str):
        fremont, sacramento = self.rows[model]
        return fremont if where == "fremont" else sacramento


def _only_at(station: Station) -> Customer:
    """A customer whose bookings and leads are all at `station`."""
    return (
        Customer.objects.filter(bookings__station=station)
        .exclude(bookings__in=Booking.objects.exclude(station=station))
        .exclude(leads__in=Lead.objects.exclude(station=station))
        .order_by("email")
        .first()
    )


def _build_demo() -> Demo:
    fremont = Station.objects.get(code=FREMONT)
    sacramento = Station.objects.get(code=SACRAMENTO)
    kenji = Chef.objects.get(email=CHEF_EMAIL)
    own_time_off = ChefAvailability.objects.create(
        chef=kenji, date=timezone.localdate() + datetime.timedelta(days=40), is_available=False, note="Own"
    )
    sacramento_time_off = ChefAvailability.objects.filter(chef__station=sacramento).order_by("date").first()
    audit_rows = {}
    for station in (fremont, sacramento):
        booking = Booking.objects.filter(station=station).order_by("reference").first()
        audit_rows[station.code] = audit_log_write(
            actor=Actor.system(),
            action="booking.create",
            instance=booking,
            station_id=station.pk,
            after={"status": booking.status},
        )
    # A security event about a user of each station (scoped like the rest: identity.scoping).
    events = [
        security_event_record(
            type=SecurityEvent.Type.LOGIN_FAILED, user=User.objects.get(email=email), ip_address="203.0.113.9"
        )
        for email in (MANAGER_FREMONT, MANAGER_SACRAMENTO)
    ]
    kenji_booking = Booking.objects.filter(chef=kenji).order_by("reference").first()
    assert kenji_booking is not None, "the demo gives the chef login bookings of their own"
    return Demo(
        fremont=fremont,
        sacramento=sacramento,
        rows={
            Booking: (
                kenji_booking,
                Booking.objects.filter(station=sacramento).order_by("reference").first(),
            ),
            Customer: (_only_at(fremont), _only_at(sacramento)),
            Chef: (kenji, Chef.objects.filter(station=sacramento).order_by("email").first()),
            ChefAvailability: (own_time_off, sacramento_time_off),
            Payment: (
                Payment.objects.filter(booking__chef=kenji).order_by("created_at").first()
                or Payment.objects.filter(booking__station=fremont).order_by("created_at").first(),
                Payment.objects.filter(booking__station=sacramento).order_by("created_at").first(),
            ),
            Lead: (
                Lead.objects.filter(station=fremont).order_by("created_at").first(),
                Lead.objects.filter(station=sacramento).order_by("created_at").first(),
            ),
            AuditLog: (audit_rows[FREMONT], audit_rows[SACRAMENTO]),
            SecurityEvent: tuple(events),
            Station: (fremont, sacramento),
            User: (User.objects.get(email=SUPPORT), User.objects.get(email=MANAGER_SACRAMENTO)),
            PricingPolicy: (PricingPolicy.objects.order_by("effective_from").first(), None),
        },
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Demo:
    """The demo seed plus the rows above, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed", "--demo", stdout=io.StringIO())
        built = _build_demo()
        for model, (fremont_row, sacramento_row) in built.rows.items():
            assert fremont_row is not None, model
            assert sacramento_row is not None or model is PricingPolicy, model
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def login(demo, db):
    """A test client logged in as one of the demo's staff (with an IP and a user agent)."""

    def client_for(email: str) -> Client:
        client = Client(REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=CLIENT_AGENT)
        client.force_login(User.objects.get(email=email))
        return client

    return client_for


def form_data(response) -> dict:
    """The POST a change page would send unchanged: its form's and inline formsets' values."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled:
            continue
        if value is None:
            value = ""
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = str(management[name].value())
        for inline_form in formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is None:
                    continue
                if isinstance(value, bool):
                    if value:
                        data[inline_form.add_prefix(name)] = "on"
                    continue
                data[inline_form.add_prefix(name)] = str(value)
    return data

"""Driving the staff panel in tests: the demo data, a logged-in client per demo login, actions.

An action is posted the way the changelist page posts it (the action, the selected ids), and
its intermediate form the way templates/admin/action_form.html posts it back (plus "apply").
"""

import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.db import transaction
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from identity.models import User

SUPER_ADMIN = "super_admin@myhibachi.test"
ADMIN = "admin@myhibachi.test"
MANAGER_FREMONT = "manager.fremont@myhibachi.test"
MANAGER_SACRAMENTO = "manager.sacramento@myhibachi.test"
SUPPORT = "support@myhibachi.test"
CHEF = "chef@myhibachi.test"
DEMO_LOGINS = (SUPER_ADMIN, ADMIN, MANAGER_FREMONT, MANAGER_SACRAMENTO, SUPPORT, CHEF)


@contextmanager
def demo_database(django_db_blocker) -> Iterator[None]:
    """The demo seed, for a test module: loaded once, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed", "--demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@contextmanager
def scaled_database(django_db_blocker) -> Iterator[None]:
    """The demo and one unit of `seed --scale` (250 bookings, ...), for a test module; rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed", "--scale", "1", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def client_for(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def changelist_url(model: type[Model]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change_url(obj: Model) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def post_action(
    client: Client,
    model: type[Model],
    action: str,
    objects: Iterable[Model] = (),
    form: dict | None = None,
    *,
    query: str = "",
    select_across: bool = False,
):
    """POST an action on the changelist; with `form`, its intermediate form submitted.

    Follows the redirect back to the changelist, so that the messages can be read.
    """
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(obj.pk) for obj in objects]}
    if select_across:
        data["select_across"] = "1"
    if form is None:
        data["index"] = "0"  # the changelist's own form
    else:
        data.update({key: value for key, value in form.items() if value is not None}, apply="apply")
    url = changelist_url(model) + (f"?{query}" if query else "")
    return client.post(url, data, follow=True)


def messages_of(response) -> list[str]:
    context = response.context
    return [str(message) for message in context["messages"]] if context and "messages" in context else []


def offered_actions(client: Client, model: type[Model]) -> set[str]:
    response = client.get(changelist_url(model))
    assert response.status_code == 200
    return {name for name, _label in response.context["action_form"].fields["action"].choices if name}

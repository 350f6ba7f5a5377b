"""A role's page lists its permissions as rows that share one read of the permission choices.

Each row of the permissions inline is a form whose select of permissions is copied per row;
the copies share the choices read once (identity.admin.ReadChoices) instead of normalizing the
list again per row (super_admin holds every permission: rows x permissions). Adding and removing
a permission on the page works as before.
"""

import pytest
from django.test import Client
from django.urls import reverse

from identity.admin import ReadChoices
from identity.models import Permission, Role, RolePermission
from tests.staff_panel import SUPER_ADMIN, client_for, demo_database

pytestmark = pytest.mark.django_db

# Session and user (2), the role, its permission rows, the permission choices (read once).
ROLE_PAGE_BUDGET = 6


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


@pytest.fixture
def client(demo, db) -> Client:
    return client_for(SUPER_ADMIN)


def _role_url(role: Role) -> str:
    return reverse("admin:identity_role_change", args=[role.pk])


def test_a_roles_permission_rows_share_one_read_of_the_choices(client, django_assert_max_num_queries):
    role = Role.objects.get(name="super_admin")
    held = set(role.role_permissions.values_list("permission__code", flat=True))
    assert len(held) == Permission.objects.count() > 10

    with django_assert_max_num_queries(ROLE_PAGE_BUDGET):
        response = client.get(_role_url(role))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    choices = {id(form.fields["permission"].choices) for form in [*formset.forms, formset.empty_form]}
    assert len(choices) == 1
    assert isinstance(formset.forms[0].fields["permission"].choices, ReadChoices)
    assert all(code in response.text for code in held)


def _inline_post(response, delete_code: str | None = None, add: Permission | None = None) -> dict:
    formset = response.context["inline_admin_formsets"][0].formset
    role = response.context["original"]
    data = {"name": role.name, "tier": role.tier, "description": role.description}
    forms = list(formset.forms)
    for index, form in enumerate(forms):
        data[f"{formset.prefix}-{index}-id"] = str(form.instance.pk)
        data[f"{formset.prefix}-{index}-role"] = str(role.pk)
        if form.instance.permission.code == delete_code:
            data[f"{formset.prefix}-{index}-DELETE"] = "on"
    total = len(forms)
    if add is not None:
        data[f"{formset.prefix}-{total}-role"] = str(role.pk)
        data[f"{formset.prefix}-{total}-permission"] = str(add.pk)
        total += 1
    data.update(
        {
            f"{formset.prefix}-TOTAL_FORMS": str(total),
            f"{formset.prefix}-INITIAL_FORMS": str(len(forms)),
            f"{formset.prefix}-MIN_NUM_FORMS": "0",
            f"{formset.prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    return data


def test_a_permission_is_removed_from_and_added_to_a_role_on_its_page(client):
    role = Role.objects.get(name="customer_support")
    removed = role.role_permissions.select_related("permission").first().permission
    added = Permission.objects.exclude(role_permissions__role=role).first()

    page = client.get(_role_url(role))
    response = client.post(_role_url(role), _inline_post(page, delete_code=removed.code, add=added))

    assert response.status_code == 302, response.context and response.context["errors"]
    codes = set(RolePermission.objects.filter(role=role).values_list("permission__code", flat=True))
    assert removed.code not in codes and added.code in codes

"""Managing other staff: docs/business-rules.md "Managing other staff".

Staff may change, delete, set the password of, or grant roles to a user only when every
station that user holds is among their own and the user's tier is below theirs (super_admin
excepted): in the user list, the change page, the password page, delete and the role inlines.
"""

import pytest
from django.urls import reverse

from identity.models import Role, User, UserRole
from identity.scoping import user_may_manage
from tests.identity.staff import ADMIN, MANAGER_FREMONT, SUPER_ADMIN, SUPPORT, admin_url

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "taken-over-by-fremont-42"


def _staff(email: str, *grants) -> User:
    """A user holding (role name, station) grants."""
    user = User.objects.create_user(email, "a-long-enough-passphrase-42", is_staff=True)
    for role_name, station in grants:
        UserRole.objects.create(user=user, role=Role.objects.get(name=role_name), station=station)
    return user


@pytest.fixture
def fremont_admin(demo) -> User:
    return _staff("admin.fremont@myhibachi.test", ("admin", demo.fremont))


@pytest.fixture
def two_station_admin(demo) -> User:
    return _staff("admin.both@myhibachi.test", ("admin", demo.fremont), ("admin", demo.sacramento))


def test_a_one_station_admin_cannot_set_the_password_of_a_colleague_who_also_works_elsewhere(
    demo, login, fremont_admin, two_station_admin
):
    client = login(fremont_admin.email)

    page = client.get(reverse("admin:auth_user_password_change", args=[two_station_admin.pk]))
    posted = client.post(
        reverse("admin:auth_user_password_change", args=[two_station_admin.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert page.status_code in (403, 404) and posted.status_code in (403, 404)
    two_station_admin.refresh_from_db()
    assert not two_station_admin.check_password(NEW_PASSWORD)


def test_a_one_station_admin_cannot_change_delete_or_list_a_colleague_who_also_works_elsewhere(
    demo, login, fremont_admin, two_station_admin
):
    client = login(fremont_admin.email)

    listed = client.get(admin_url(User, "changelist"))
    change = client.get(admin_url(User, "change", two_station_admin.pk))
    delete = client.post(admin_url(User, "delete", two_station_admin.pk), {"post": "yes"})

    assert two_station_admin.email not in listed.content.decode()
    assert change.status_code in (403, 404) and delete.status_code in (403, 404)
    assert User.objects.filter(pk=two_station_admin.pk, is_active=True).exists()


def test_a_colleague_of_the_same_tier_at_the_same_station_is_read_only(demo, login, fremont_admin):
    peer = _staff("peer.fremont@myhibachi.test", ("admin", demo.fremont))
    client = login(fremont_admin.email)

    assert client.get(admin_url(User, "change", peer.pk)).status_code == 200  # seen
    posted = client.post(
        reverse("admin:auth_user_password_change", args=[peer.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert posted.status_code == 403
    peer.refresh_from_db()
    assert not peer.check_password(NEW_PASSWORD)


def test_an_admin_sets_the_password_of_a_lower_tier_user_of_their_own_station(demo, login, fremont_admin):
    support = User.objects.get(email=SUPPORT)  # customer support at Fremont

    response = login(fremont_admin.email).post(
        reverse("admin:auth_user_password_change", args=[support.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    support.refresh_from_db()
    assert support.check_password(NEW_PASSWORD)


def test_a_role_cannot_be_granted_to_a_user_the_granter_may_not_manage(demo, login, fremont_admin):
    peer = _staff("peer2.fremont@myhibachi.test", ("admin", demo.fremont))

    response = login(fremont_admin.email).post(
        admin_url(UserRole, "add"),
        {
            "user": str(peer.pk),
            "role": str(Role.objects.get(name="chef").pk),
            "station": str(demo.fremont.pk),
        },
    )

    assert response.status_code == 403
    assert set(UserRole.objects.filter(user=peer).values_list("role__name", flat=True)) == {"admin"}


def test_the_role_inline_of_a_user_the_editor_may_not_manage_is_read_only(demo, login, fremont_admin):
    peer = _staff("peer3.fremont@myhibachi.test", ("admin", demo.fremont))

    response = login(fremont_admin.email).get(admin_url(User, "change", peer.pk))

    (inline,) = response.context["inline_admin_formsets"]
    assert (
        not inline.has_add_permission
        and not inline.has_change_permission
        and not inline.has_delete_permission
    )


@pytest.mark.parametrize(
    "actor_grants, target_grants, may",
    [
        ([("admin", "fremont")], [("station_manager", "fremont")], True),
        ([("admin", "fremont")], [("station_manager", "fremont"), ("chef", "sacramento")], False),
        ([("admin", "fremont")], [("admin", "fremont")], False),
        ([("admin", "fremont"), ("chef", "sacramento")], [("station_manager", "sacramento")], False),
        (
            [("admin", "fremont"), ("admin", "sacramento")],
            [("station_manager", "fremont"), ("chef", "sacramento")],
            True,
        ),
        ([("admin", "fremont")], [("station_manager", None)], False),
        ([("admin", None)], [("station_manager", None)], True),
        ([("station_manager", "fremont")], [("chef", "fremont")], True),
        ([("station_manager", "fremont")], [("customer_support", "fremont")], False),
        ([("super_admin", None)], [("super_admin", None)], True),
    ],
)
def test_staff_may_manage_a_user_only_below_their_tier_at_every_station_the_user_holds(
    demo, actor_grants, target_grants, may
):
    stations = {"fremont": demo.fremont, "sacramento": demo.sacramento, None: None}
    actor = _staff("actor@myhibachi.test", *[(role, stations[where]) for role, where in actor_grants])
    target = _staff("target@myhibachi.test", *[(role, stations[where]) for role, where in target_grants])

    assert user_may_manage(actor, target) is may


def test_a_deactivated_user_keeps_the_stations_that_protect_them(demo, fremont_admin, two_station_admin):
    User.objects.filter(pk=two_station_admin.pk).update(is_active=False)
    two_station_admin.refresh_from_db()

    assert not user_may_manage(fremont_admin, two_station_admin)


def test_the_demo_admin_of_both_stations_still_manages_the_fremont_manager_and_not_the_super_admin(demo):
    admin = User.objects.get(email=ADMIN)

    assert user_may_manage(admin, User.objects.get(email=MANAGER_FREMONT))
    assert not user_may_manage(admin, User.objects.get(email=SUPER_ADMIN))

"""The staff panel: segments with their live count and first 20, rules checked on save, and the
campaign actions (schedule, send now, cancel, back to draft, send a test to myself) with the figures."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLog
from core.models import Customer
from crm.models import Campaign, CampaignDelivery, CustomerSegment, SegmentRule
from tests.crm.helpers import consenting_customer
from tests.staff_panel import (
    ADMIN,
    MANAGER_FREMONT,
    change_url,
    changelist_url,
    client_for,
    demo_database,
    messages_of,
    post_action,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


@pytest.fixture
def admin_client(demo_data, db):
    return client_for(ADMIN)


@pytest.fixture
def draft(demo_data, db) -> Campaign:
    return Campaign.objects.get(name="Spring parties are booking up")


def rule_formset(rules: list[tuple[str, str, str]]) -> dict[str, str]:
    data = {
        "rules-TOTAL_FORMS": str(len(rules)),
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    for index, (field, operator, value) in enumerate(rules):
        data.update(
            {
                f"rules-{index}-field": field,
                f"rules-{index}-operator": operator,
                f"rules-{index}-value": value,
            }
        )
    return data


def test_the_segment_page_shows_the_live_count_and_the_first_twenty_in_constant_queries(
    admin_client, django_assert_max_num_queries
):
    segment = CustomerSegment.objects.create(name="Everyone with email opt-in")
    SegmentRule.objects.create(segment=segment, field="email_consent", operator="equals", value="true")
    expected = Customer.objects.filter(email_consent=True).count()

    with django_assert_max_num_queries(30) as few:
        page = admin_client.get(change_url(segment))
    for _ in range(25):
        consenting_customer()
    with django_assert_max_num_queries(len(few.captured_queries)):
        more = admin_client.get(change_url(segment))

    assert page.status_code == 200
    assert f"<strong>{expected}</strong> customers".encode() in page.content
    assert f"<strong>{expected + 25}</strong> customers".encode() in more.content
    assert more.content.count(b"<li>") >= 20 and b"more." in more.content


def test_a_rule_whose_value_does_not_fit_its_field_is_refused_on_save_with_the_reason(admin_client):
    data = {"name": "Big spenders", "description": "", "match": "all", "is_active": "on"}
    data.update(rule_formset([("total_spend_cents", "greater_than", "lots")]))

    response = admin_client.post(changelist_url(CustomerSegment) + "add/", data)

    assert response.status_code == 200  # the form again, not a redirect
    assert "is not a whole number" in response.content.decode()
    assert not CustomerSegment.objects.filter(name="Big spenders").exists()


def test_a_valid_segment_with_any_match_saves(admin_client):
    data = {"name": "Fremont or big", "description": "", "match": "any", "is_active": "on"}
    data.update(
        rule_formset(
            [("station", "equals", "CA-FREMONT-001"), ("total_spend_cents", "greater_than", "100000")]
        )
    )

    response = admin_client.post(changelist_url(CustomerSegment) + "add/", data)

    assert response.status_code == 302
    assert CustomerSegment.objects.get(name="Fremont or big").rules.count() == 2


def test_staff_schedule_a_draft_and_its_content_and_segment_are_then_locked(admin_client, draft):
    at = timezone.localtime() + datetime.timedelta(days=1)
    response = post_action(
        admin_client,
        Campaign,
        "schedule",
        [draft],
        {"scheduled_at_0": at.date().isoformat(), "scheduled_at_1": at.strftime("%H:%M")},
    )

    draft.refresh_from_db()
    assert draft.status == Campaign.Status.SCHEDULED, messages_of(response)
    assert AuditLog.objects.filter(action="campaign.schedule", resource_id=str(draft.pk)).exists()
    page = admin_client.get(change_url(draft))
    form_fields = page.context["adminform"].form.fields
    assert not {"content", "segment", "channel", "subject", "status"} & set(form_fields)


def test_the_status_is_never_an_editable_field(admin_client, draft):
    page = admin_client.get(change_url(draft))
    assert "status" not in page.context["adminform"].form.fields


def test_send_now_sends_to_the_segment_and_the_figures_show_it(
    admin_client, draft, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(admin_client, Campaign, "send_now", [draft])

    draft.refresh_from_db()
    assert draft.status == Campaign.Status.SENT, messages_of(response)
    deliveries = CampaignDelivery.objects.filter(campaign=draft)
    sent = deliveries.filter(status=CampaignDelivery.Status.SENT).count()
    assert sent == len(mailoutbox) > 0
    page = admin_client.get(change_url(draft)).content.decode()
    assert f"Targeted: {deliveries.count()}" in page and f"Sent: {sent}" in page
    assert "Bookings by recipients within 30 days" in page


def test_cancel_and_back_to_draft_are_actions_and_a_sent_campaign_cannot_be_cancelled(admin_client, draft):
    post_action(admin_client, Campaign, "cancel", [draft], {"reason": "Wrong season"})
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.CANCELLED
    sent = Campaign.objects.get(name="Weekend slots open")

    response = post_action(admin_client, Campaign, "cancel", [sent], {"reason": "too late"})

    sent.refresh_from_db()
    assert sent.status == Campaign.Status.SENT
    assert any("cannot be cancelled" in message for message in messages_of(response))


def test_send_a_test_to_myself_sends_one_email_marked_test_and_records_no_delivery(
    admin_client, draft, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(admin_client, Campaign, "send_test_to_me", [draft], {"to": ADMIN})

    assert any("Sent a test" in message for message in messages_of(response))
    [email] = mailoutbox
    assert email.to == [ADMIN] and email.subject.startswith("[Test] ")
    assert not CampaignDelivery.objects.filter(campaign=draft).exists()
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.DRAFT


def test_a_station_manager_sees_campaigns_but_is_offered_no_sending_action(demo_data, db):
    page = client_for(MANAGER_FREMONT).get(changelist_url(Campaign))

    assert page.status_code == 200
    action_form = page.context["action_form"]
    offered = {name for name, _ in action_form.fields["action"].choices} if action_form else set()
    assert not {"send_now", "schedule", "cancel", "send_test_to_me"} & offered


def test_the_rules_of_a_segment_a_scheduled_campaign_targets_are_locked(admin_client, draft):
    at = timezone.localtime() + datetime.timedelta(days=1)
    post_action(
        admin_client,
        Campaign,
        "schedule",
        [draft],
        {"scheduled_at_0": at.date().isoformat(), "scheduled_at_1": at.strftime("%H:%M")},
    )
    rule = draft.segment.rules.first()

    page = admin_client.get(change_url(draft.segment))
    rule_page = admin_client.get(change_url(rule))

    formset = page.context["inline_admin_formsets"][0]
    assert not formset.has_add_permission and not formset.has_change_permission
    assert rule_page.context["has_change_permission"] is False


def test_a_sent_campaign_cannot_be_deleted_its_deliveries_count_toward_the_caps(admin_client):
    sent = Campaign.objects.get(name="Weekend slots open")

    page = admin_client.get(reverse("admin:crm_campaign_delete", args=[sent.pk]))

    assert page.status_code == 403
    assert Campaign.objects.filter(pk=sent.pk).exists()


def test_a_draft_whose_sms_would_pass_320_characters_is_refused_on_save(admin_client, draft):
    data = {
        "name": "Too long",
        "channel": "sms",
        "segment": str(draft.segment_id),
        "subject": "",
        "content": "Big news! " * 40,
    }

    response = admin_client.post(changelist_url(Campaign) + "add/", data)

    assert response.status_code == 200
    assert "at most 320" in response.content.decode()
    assert not Campaign.objects.filter(name="Too long").exists()

import factory
from django.utils import timezone

from leads.models import LeadContact, LeadContext, LeadEvent
from tests.crm.factories import LeadFactory


class LeadContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadContact

    lead = factory.SubFactory(LeadFactory)
    channel = LeadContact.Channel.EMAIL
    handle_or_address = factory.Sequence(lambda n: f"lead{n}@example.com")


class LeadContextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadContext

    lead = factory.SubFactory(LeadFactory)
    party_adults = 12
    zip_code = "94539"


class LeadEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadEvent

    lead = factory.SubFactory(LeadFactory)
    event_type = LeadEvent.Type.LEAD_CREATED
    occurred_at = factory.LazyFunction(timezone.now)

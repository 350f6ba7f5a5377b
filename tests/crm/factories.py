import factory

from crm.models import Campaign, CustomerSegment, Lead, SegmentRule


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    source = Lead.Source.WEB_QUOTE
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")


class CustomerSegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerSegment

    name = factory.Sequence(lambda n: f"Segment {n}")


class SegmentRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SegmentRule

    segment = factory.SubFactory(CustomerSegmentFactory)
    field = SegmentRule.Field.BOOKING_COUNT
    operator = SegmentRule.Operator.GREATER_THAN
    value = "1"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    channel = Campaign.Channel.EMAIL
    segment = factory.SubFactory(CustomerSegmentFactory)
    subject = "Book your next hibachi party"
    content = "We miss you!"

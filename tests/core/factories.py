import datetime

import factory
from django.utils import timezone

from core.models import Booking, Customer, Message, MessageThread, Payment, Review
from ops.slots import DEFAULT_SLOT_TIMES
from tests.identity.factories import StationFactory
from tests.ops.factories import ChefFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    phone = factory.Sequence(lambda n: f"+1408555{n:04d}")


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    reference = factory.Sequence(lambda n: f"MH-T{n:05d}")
    customer = factory.SubFactory(CustomerFactory)
    station = factory.SubFactory(StationFactory)
    chef = factory.SubFactory(ChefFactory, station=factory.SelfAttribute("..station"))
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    slot = DEFAULT_SLOT_TIMES[2]
    address = "123 Main St, Fremont, CA 94539"
    zone = "94539"
    party_adults = 10
    party_kids = 2
    deposit_due_cents = 10000
    total_due_cents = 61000
    status = Booking.Status.CONFIRMED


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    booking = factory.SubFactory(BookingFactory)
    kind = Payment.Kind.DEPOSIT
    method = Payment.Method.STRIPE
    amount_cents = 10000
    status = Payment.Status.SUCCEEDED


class MessageThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageThread

    customer = factory.SubFactory(CustomerFactory)
    channel = MessageThread.Channel.SMS


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    thread = factory.SubFactory(MessageThreadFactory)
    channel = MessageThread.Channel.SMS
    direction = Message.Direction.OUTBOUND
    body = "Your hibachi party is confirmed."


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    booking = factory.SubFactory(BookingFactory, status=Booking.Status.COMPLETED)
    customer = factory.SelfAttribute("booking.customer")
    rating = 5
    content = "Amazing show and food."

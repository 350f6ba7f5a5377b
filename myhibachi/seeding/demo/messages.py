"""The demo's conversations with customers: message threads (SMS, email, phone), the
notifications sent, and AI chats."""

from decimal import Decimal
from typing import NamedTuple

from ai.models import Conversation
from ai.models import Message as ConversationMessage
from core.models import Message, MessageThread, Notification
from myhibachi.seeding.demo.bookings import REFUND_NOTICE
from myhibachi.seeding.demo.context import FREMONT, DemoContext
from myhibachi.seeding.rows import by_id, demo_id, ensure_rows


class ThreadSpec(NamedTuple):
    key: str
    customer: str
    booking: str | None
    channel: str
    status: str
    subject: str
    messages: tuple[tuple[str, str, str], ...]  # (direction, status, body)


THREADS: tuple[ThreadSpec, ...] = (
    ThreadSpec("emily-confirmation", "emily.chen@example.com", "MH-DEMO13", "sms", "open",
               "Booking MH-DEMO13", (
                   ("outbound", "delivered",
                    "My Hibachi: your party MH-DEMO13 is confirmed. Reply STOP to opt out."),
                   ("inbound", "received", "Thanks! Can we add gyoza for the kids?"),
                   ("outbound", "sent", "Of course! We'll add it to your booking and text the new total."),
               )),
    ThreadSpec("samuel-cancel", "samuel.okafor@example.com", "MH-DEMO24", "email", "needs_attention",
               "Cancel my party", (
                   ("inbound", "received",
                    "Hi, we have a family emergency and need to cancel our party this week. "
                    "Is there any way to get the deposit back?"),
               )),
    ThreadSpec("carlos-review", "carlos.mendoza@example.com", "MH-DEMO05", "sms", "closed",
               "Review request", (
                   ("outbound", "delivered",
                    "My Hibachi: thanks for hosting with us! How did we do? Reply STOP to opt out."),
                   ("inbound", "received", "It was amazing, thank you!"),
               )),
    ThreadSpec("jason-no-show", "jason.wong@example.com", "MH-DEMO09", "phone", "closed",
               "No-show follow-up", (
                   ("outbound", "sent",
                    "Called about the no-show: the customer was out of town and forgot the date."),
               )),
)  # fmt: skip


# (key, kind, channel, booking, to the customer?, recipient, message of a thread or None):
# notifications already sent, so that the sweeps do not send them again.
NOTIFICATIONS: tuple[tuple[str, str, str, str, bool, str, str | None], ...] = (
    (
        "emily-confirmed",
        "booking_confirmed",
        "sms",
        "MH-DEMO13",
        True,
        "+15105550101",
        "emily-confirmation:1",
    ),
    ("carlos-review", "review_request", "sms", "MH-DEMO05", True, "+19165550114", "carlos-review:1"),
    ("grace-received", "booking_received", "email", "MH-DEMO21", True, "grace.liu@example.com", None),
    (
        "samuel-cancellation",
        "staff_cancellation_request",
        "email",
        "MH-DEMO24",
        False,
        "manager.fremont@myhibachi.test",
        None,
    ),
)


class ConversationSpec(NamedTuple):
    key: str
    channel: str
    status: str
    station: str
    customer: str | None
    lead: str | None
    escalation_reason: str
    messages: tuple[tuple[str, str, str | None], ...]  # (role, content, confidence)


CONVERSATIONS: tuple[ConversationSpec, ...] = (
    ConversationSpec("anjali-quote", "web", "active", FREMONT, None, "anjali-gupta", "", (
        ("user", "Hi! How much would a hibachi party for 15 adults and 2 kids be in Fremont?", None),
        ("assistant",
         "For 15 adults at $55 and 2 kids at $30 the food comes to $885. Fremont 94539 is within "
         "our 30 free miles, so there is no travel fee: $885 in total, with a $100 deposit to book. "
         "Gratuity for the chef (20-35%) is not included.", "0.940"),
        ("user", "Great. Could we do a Saturday evening next month?", None),
        ("assistant",
         "Happy to check a date for you. Which Saturday would you like, and what email should "
         "we send the details to?", "0.880"),
        ("user", "The 18th, in the evening. anjali.gupta@example.com", None),
    )),
    ConversationSpec("samuel-refund", "sms", "escalated", FREMONT, "samuel.okafor@example.com", None,
                     f"Refund request inside the {REFUND_NOTICE} window", (
        ("user", "I need to cancel my party on Friday, family emergency. Can I get my deposit back?", None),
        ("assistant",
         f"I'm sorry to hear that. Your party is less than {REFUND_NOTICE} away, so I've passed your "
         "cancellation and refund request to our team; someone will reply shortly.", "0.710"),
        ("system", "Escalated to staff: refund request.", None),
    )),
    ConversationSpec("nancy-corporate", "web", "escalated", FREMONT, None, "nancy-fischer",
                     "Corporate event with 30 or more guests", (
        ("user", "We're planning a corporate team party for 30 people in Palo Alto.", None),
        ("assistant",
         "Thanks! For corporate events and parties of 30 or more our events team will put "
         "together your quote; I've asked them to call you.", "0.820"),
    )),
    ConversationSpec("jordan-vegetarian", "instagram", "closed", FREMONT, None, "jordan-ellis", "", (
        ("user", "Do you have vegetarian options?", None),
        ("assistant",
         "Yes: tofu is one of our five base proteins, and every meal includes fried rice, "
         "vegetables, salad and our sauces.", "0.970"),
        ("staff", "Thanks Jordan! Send us your date and guest count for a quote.", None),
    )),
)  # fmt: skip


def seed_threads(ctx: DemoContext) -> None:
    threads = by_id(
        MessageThread,
        [
            MessageThread(
                id=demo_id("thread", spec.key),
                customer=ctx.customers[spec.customer],
                booking=ctx.bookings[spec.booking] if spec.booking else None,
                station=ctx.bookings[spec.booking].station if spec.booking else None,
                channel=spec.channel,
                status=spec.status,
                subject=spec.subject,
            )
            for spec in THREADS
        ],
        ctx.report,
    )
    ensure_rows(
        Message,
        [
            Message(
                id=demo_id("message", f"{spec.key}:{i}"),
                thread=thread,
                channel=spec.channel,
                direction=direction,
                status=status,
                body=body,
                subject=spec.subject if spec.channel == MessageThread.Channel.EMAIL else "",
                provider_id=f"demo-{spec.key}-{i}" if direction == Message.Direction.OUTBOUND else "",
            )
            for spec, thread in zip(THREADS, threads, strict=True)
            for i, (direction, status, body) in enumerate(spec.messages, start=1)
        ],
        key=("id",),
        report=ctx.report,
    )


def seed_notifications(ctx: DemoContext) -> None:
    rows = []
    for key, kind, channel, reference, to_customer, recipient, message in NOTIFICATIONS:
        booking = ctx.bookings[reference]
        rows.append(
            Notification(
                id=demo_id("notification", key),
                kind=kind,
                channel=channel,
                booking=booking,
                customer_id=booking.customer_id if to_customer else None,
                recipient=recipient,
                status=Notification.Status.SENT,
                message_id=demo_id("message", message) if message else None,
                attempts=1,
                sent_at=ctx.days_ago(1),
            )
        )
    ensure_rows(Notification, rows, key=("id",), report=ctx.report)


def seed_conversations(ctx: DemoContext) -> None:
    conversations = by_id(
        Conversation,
        [
            Conversation(
                id=demo_id("conversation", spec.key),
                channel=spec.channel,
                status=spec.status,
                station=ctx.stations[spec.station],
                customer=ctx.customers[spec.customer] if spec.customer else None,
                lead=ctx.leads[spec.lead] if spec.lead else None,
                escalation_reason=spec.escalation_reason,
                handled_at=ctx.days_ago(1) if spec.status == Conversation.Status.CLOSED else None,
            )
            for spec in CONVERSATIONS
        ],
        ctx.report,
    )
    ensure_rows(
        ConversationMessage,
        [
            ConversationMessage(
                id=demo_id("conversation-message", f"{spec.key}:{i}"),
                conversation=conversation,
                role=role,
                content=content,
                confidence=Decimal(confidence) if confidence else None,
            )
            for spec, conversation in zip(CONVERSATIONS, conversations, strict=True)
            for i, (role, content, confidence) in enumerate(spec.messages, start=1)
        ],
        key=("id",),
        report=ctx.report,
    )

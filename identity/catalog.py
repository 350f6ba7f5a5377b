"""The roles and permissions of the staff panel: the single source of truth.

Plain data, read by `manage.py seed` (which mirrors it into identity.roles, permissions and
role_permissions) and by the admin's authorization. Change access here, in code review, not
by editing rows in the admin: the seed puts the tables back in line with this module.

- PERMISSIONS: every permission code, `resource.action`, with what it allows.
- ROLES: every role (the values of identity.models.Role.Name) with its tier and description.
- ROLE_PERMISSIONS: what each role may do. Station scoping (which stations a user's role
  applies to) and "a chef sees only their own bookings" are enforced on top of these grants,
  by the scoping policy in `identity/`, not here.
"""

from types import MappingProxyType
from typing import NamedTuple


class RoleSpec(NamedTuple):
    name: str
    tier: int
    description: str


# resource -> ((action, what it allows), ...). Only meaningful pairs exist: the audit trail is
# append-only (no audit.update), and a payment is recorded or refunded, never edited.
RESOURCE_ACTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "booking": (
        ("read", "See bookings"),
        ("view_address", "See the event address of bookings (stored encrypted)"),
        ("create", "Create bookings for customers"),
        ("update", "Edit booking details (party size, address, notes)"),
        ("delete", "Delete bookings"),
        ("cancel", "Cancel bookings and approve or reject cancellation requests"),
        ("reschedule", "Move bookings to another date or slot"),
        ("assign_chef", "Assign or reassign the chef of a booking"),
        ("complete", "Mark bookings completed or no-show"),
        ("export", "Export bookings"),
        ("adjust_price", "Add a discount or surcharge line to a booking's price (finance)"),
    ),
    "customer": (
        ("read", "See customers"),
        ("create", "Create customers"),
        ("update", "Edit customers and their consent"),
        ("delete", "Delete customers"),
    ),
    "payment": (
        ("read", "See the payments of bookings"),
        ("record", "Record cash, Zelle or Venmo payments"),
        ("refund", "Refund payments"),
        ("report", "See payment and revenue reports"),
    ),
    "lead": (
        ("read", "See leads"),
        ("create", "Create leads"),
        ("update", "Edit leads, their status and assignee"),
        ("delete", "Delete leads"),
        ("convert", "Convert a lead to a customer"),
    ),
    "review": (
        ("read", "See reviews"),
        ("update", "Edit reviews"),
        ("delete", "Delete reviews"),
        ("moderate", "Approve or reject reviews"),
    ),
    "conversation": (
        ("read", "See message threads and AI conversations"),
        ("update", "Edit conversations"),
        ("handle", "Reply to customers and take over escalated conversations"),
    ),
    "knowledge": (
        ("read", "See the AI assistant's knowledge base"),
        ("create", "Add knowledge entries"),
        ("update", "Edit knowledge entries"),
        ("delete", "Delete knowledge entries"),
    ),
    "chef": (
        ("read", "See chefs"),
        ("create", "Add chefs"),
        ("update", "Edit chefs"),
        ("delete", "Delete chefs"),
    ),
    "availability": (
        ("read", "See chef availability"),
        ("create", "Enter time off"),
        ("update", "Edit time off"),
        ("delete", "Delete time off"),
    ),
    "station": (
        ("read", "See stations"),
        ("create", "Add stations"),
        ("update", "Edit stations and their travel settings"),
        ("delete", "Delete stations"),
    ),
    "pricing": (
        ("read", "See prices, menu and travel fee settings"),
        ("create", "Add prices, menu items and travel fee settings"),
        ("update", "Change prices, menu items and travel fee settings"),
        ("delete", "Delete prices, menu items and travel fee settings"),
    ),
    "campaign": (
        ("read", "See campaigns and their deliveries"),
        ("create", "Create campaigns"),
        ("update", "Edit and schedule campaigns"),
        ("delete", "Delete campaigns"),
        ("send", "Send campaigns"),
    ),
    "segment": (
        ("read", "See customer segments"),
        ("create", "Create segments"),
        ("update", "Edit segments and their rules"),
        ("delete", "Delete segments"),
    ),
    "policy": (
        ("read", "See the booking policy of stations"),
        ("update", "Change the booking policy of stations (refund and change windows, slots)"),
    ),
    "payrate": (
        ("read", "See the chefs' pay rates per pay tier"),
        ("update", "Change the chefs' pay rates"),
    ),
    "audit": (("read", "See the audit log"),),
    "security": (("read", "See security events"),),
    "user": (
        ("read", "See staff users"),
        ("create", "Create staff users"),
        ("update", "Edit staff users"),
        ("delete", "Delete staff users"),
        ("manage", "Grant and revoke roles and station assignments"),
    ),
}

# code -> description, e.g. "booking.cancel" -> "Cancel bookings and ...".
PERMISSIONS: MappingProxyType[str, str] = MappingProxyType(
    {
        f"{resource}.{action}": description
        for resource, actions in RESOURCE_ACTIONS.items()
        for action, description in actions
    }
)

SUPER_ADMIN = "super_admin"
ADMIN = "admin"
STATION_MANAGER = "station_manager"
CUSTOMER_SUPPORT = "customer_support"
CHEF = "chef"

ROLES: tuple[RoleSpec, ...] = (
    RoleSpec(SUPER_ADMIN, 4, "Everything, at every station."),
    RoleSpec(ADMIN, 3, "Everything, at the stations assigned."),
    RoleSpec(STATION_MANAGER, 2, "Runs a station: bookings, chefs, availability, leads, payments."),
    RoleSpec(CUSTOMER_SUPPORT, 2, "Bookings, customers, leads, reviews and conversations; no finance."),
    RoleSpec(CHEF, 1, "Their own bookings and availability."),
)
ROLE_TIERS: MappingProxyType[str, int] = MappingProxyType({role.name: role.tier for role in ROLES})


def _codes(*codes: str) -> frozenset[str]:
    unknown = set(codes) - PERMISSIONS.keys()
    if unknown:  # a typo here would silently deny; fail at import instead
        raise ValueError(f"Unknown permissions in the catalog: {sorted(unknown)}")
    return frozenset(codes)


def _all_of(*resources: str) -> tuple[str, ...]:
    return tuple(f"{resource}.{action}" for resource in resources for action, _ in RESOURCE_ACTIONS[resource])


ROLE_PERMISSIONS: MappingProxyType[str, frozenset[str]] = MappingProxyType(
    {
        SUPER_ADMIN: frozenset(PERMISSIONS),
        # Same grants as super_admin; what differs is scope: an admin works at the
        # stations assigned, a super_admin at every station (identity scoping).
        ADMIN: frozenset(PERMISSIONS),
        STATION_MANAGER: _codes(
            *_all_of("booking", "chef", "availability"),
            "customer.read",
            "customer.create",
            "customer.update",
            "payment.read",
            "payment.record",
            "payment.refund",
            "payment.report",
            "lead.read",
            "lead.create",
            "lead.update",
            "lead.convert",
            "review.read",
            "review.update",
            "review.moderate",
            "conversation.read",
            "conversation.update",
            "conversation.handle",
            "knowledge.read",
            "station.read",
            "pricing.read",
            "campaign.read",
            "segment.read",
            "audit.read",
            "user.read",
            "policy.read",
            "payrate.read",
        ),
        # No finance: support sees whether a deposit was paid (payment.read) but never
        # records, refunds or reports money.
        CUSTOMER_SUPPORT: _codes(
            "booking.read",
            "booking.view_address",
            "booking.create",
            "booking.update",
            "booking.cancel",
            "booking.reschedule",
            "customer.read",
            "customer.create",
            "customer.update",
            "payment.read",
            "lead.read",
            "lead.create",
            "lead.update",
            "lead.convert",
            "review.read",
            "review.moderate",
            "conversation.read",
            "conversation.update",
            "conversation.handle",
            "knowledge.read",
            "chef.read",
            "availability.read",
            "station.read",
            "pricing.read",
            "policy.read",
        ),
        # Their own bookings and availability only; "own" is enforced by the scoping policy.
        CHEF: _codes("booking.read", "availability.read", "availability.create", "availability.update"),
    }
)


def permissions_for(role_names: list[str] | tuple[str, ...] | set[str]) -> frozenset[str]:
    """The union of the permissions of the given roles (unknown role names grant nothing)."""
    granted: set[str] = set()
    for name in role_names:
        granted |= ROLE_PERMISSIONS.get(name, frozenset())
    return frozenset(granted)


def role_has_permission(role_name: str, code: str) -> bool:
    return code in ROLE_PERMISSIONS.get(role_name, frozenset())


# The Django admin's model permissions, mapped onto the business permissions above: the one
# table the authentication backend (identity/backends.py) reads, so that `core.view_booking`
# is granted exactly when `booking.read` is. "<app_label>.<model_name>" -> (view, add, change,
# delete); None: no role may do it through the admin (records, or work done by a service).
# A model missing here is refused to everyone but superusers (tests/identity checks that
# every registered admin model is listed).
def _crud(resource: str) -> tuple[str, str, str, str]:
    return (f"{resource}.read", f"{resource}.create", f"{resource}.update", f"{resource}.delete")


def _edited_with(resource: str, action: str = "update") -> tuple[str, str, str, str]:
    """Rows that are part of a parent (a lead's contacts, a segment's rules): read, else edit it."""
    code = f"{resource}.{action}"
    return (f"{resource}.read", code, code, code)


def _records(code: str) -> tuple[str, None, None, None]:
    return (code, None, None, None)


ADMIN_MODEL_PERMISSIONS: MappingProxyType[str, tuple[str | None, str | None, str | None, str | None]] = (
    MappingProxyType(
        {
            "core.booking": _crud("booking"),
            "core.customer": _crud("customer"),
            # A payment is recorded (or refunded) by the payment services, never edited.
            "core.payment": ("payment.read", "payment.record", None, None),
            "core.messagethread": ("conversation.read", "conversation.handle", "conversation.update", None),
            "core.message": ("conversation.read", "conversation.handle", None, None),
            "core.review": ("review.read", None, "review.update", "review.delete"),
            # Stripe's payloads: money and customers of every station.
            "core.stripeevent": _records("payment.report"),
            "core.notification": _records("conversation.read"),
            "crm.lead": _crud("lead"),
            "crm.campaign": _crud("campaign"),
            "crm.campaigndelivery": _records("campaign.read"),
            "crm.customersegment": _crud("segment"),
            "crm.segmentrule": _edited_with("segment"),
            "leads.leadcontact": _edited_with("lead"),
            "leads.leadcontext": _edited_with("lead"),
            "leads.leadevent": _records("lead.read"),
            "leads.socialaccount": _edited_with("station"),
            "leads.socialidentity": _edited_with("lead"),
            "ai.conversation": ("conversation.read", "conversation.handle", "conversation.update", None),
            "ai.message": _records("conversation.read"),
            "ai.knowledge": _crud("knowledge"),
            "audit.auditlog": _records("audit.read"),
            "audit.securityevent": _records("security.read"),
            "identity.station": _crud("station"),
            "identity.user": _crud("user"),
            "identity.role": _edited_with("user", "manage"),
            "identity.permission": _edited_with("user", "manage"),
            "identity.rolepermission": _edited_with("user", "manage"),
            "identity.userrole": _edited_with("user", "manage"),
            "ops.chef": _crud("chef"),
            "ops.chefavailability": _crud("availability"),
            # A station's policy is made by the seed (and for a new station by an admin), never deleted.
            "ops.bookingpolicy": ("policy.read", "policy.update", "policy.update", None),
            # One rate per pay tier (`manage.py seed` makes them), never deleted.
            "ops.payrate": ("payrate.read", "payrate.update", "payrate.update", None),
            "pricing.pricingpolicy": _crud("pricing"),
            "pricing.menuitem": _crud("pricing"),
            "pricing.addonitem": _crud("pricing"),
            "pricing.travelfeeconfig": _crud("pricing"),
            # django-axes: login failures and lockouts; deleting an attempt unlocks the account.
            "axes.accessattempt": ("security.read", None, None, "user.manage"),
            "axes.accesslog": _records("security.read"),
        }
    )
)
ADMIN_OPERATIONS = ("view", "add", "change", "delete")

# "core.view_booking" -> "booking.read", ...
DJANGO_PERMISSIONS: MappingProxyType[str, str] = MappingProxyType(
    {
        f"{label.split('.')[0]}.{operation}_{label.split('.')[1]}": code
        for label, codes in ADMIN_MODEL_PERMISSIONS.items()
        for operation, code in zip(ADMIN_OPERATIONS, codes, strict=True)
        if code is not None
    }
)
_codes(*DJANGO_PERMISSIONS.values())  # a typo in the table fails at import, not silently


def business_permission(perm: str) -> str | None:
    """The business permission a permission string stands for (itself if it is one), else None."""
    if perm in PERMISSIONS:
        return perm
    return DJANGO_PERMISSIONS.get(perm)


def admin_permission_code(model_label: str, operation: str) -> str | None:
    """The business permission of an admin operation ("view", "add", ...) on a model label."""
    codes = ADMIN_MODEL_PERMISSIONS.get(model_label.lower())
    return codes[ADMIN_OPERATIONS.index(operation)] if codes else None

"""Who did something, as the audit trail records it."""

from dataclasses import dataclass
from uuid import UUID

from kernel.client_ip import client_ip
from kernel.text import storable_text


@dataclass(frozen=True)
class Actor:
    type: str  # AuditLog.ActorType value: user, system or customer
    id: UUID | None = None
    label: str = ""
    role: str = ""
    ip_address: str | None = None
    user_agent: str = ""

    @classmethod
    def system(cls, label: str = "system") -> "Actor":
        return cls(type="system", label=label)

    @classmethod
    def customer(
        cls, *, label: str = "customer", ip_address: str | None = None, user_agent: str = ""
    ) -> "Actor":
        return cls(type="customer", label=label, ip_address=ip_address, user_agent=_user_agent(user_agent))

    @classmethod
    def customer_of_request(cls, request, *, label: str) -> "Actor":
        """The customer behind a public request (API or customer page), even when staff browse it."""
        return cls.customer(
            label=label[:254],
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )

    @classmethod
    def staff(cls, user, *, role: str = "", ip_address: str | None = None, user_agent: str = "") -> "Actor":
        return cls(
            type="user",
            id=user.pk,
            label=user.email,
            role=role,
            ip_address=ip_address,
            user_agent=_user_agent(user_agent),
        )

    @classmethod
    def from_request(cls, request, *, role: str | None = None) -> "Actor":
        """A staff actor for a logged-in admin request, else the (anonymous) customer.

        `role` is the user's primary role, resolved by the caller (identity.scoping.primary_role;
        identity.staff_panel.audit_trail.admin_actor does it): the audit app does not read roles itself.
        """
        ip_address = client_ip(request)
        user_agent = request.META.get("HTTP_USER_AGENT", "")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if role is None:
                role = "super_admin" if user.is_superuser else ""
            return cls.staff(user, role=role, ip_address=ip_address, user_agent=user_agent)
        return cls.customer(ip_address=ip_address, user_agent=user_agent)


def _user_agent(value: str) -> str:
    """The header as a text column can hold it: no NUL (PostgreSQL refuses it), 255 characters."""
    return storable_text(value)[:255]

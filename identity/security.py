"""Staff login: security events for logins and lockouts, and the username django-axes counts.

Connected in IdentityConfig.ready():
- login_succeeded (low) on django's user_logged_in,
- login_failed (low; medium once the account is locked) on user_login_failed,
- account_locked (high) on axes' user_locked_out, once per lockout.
A 403 or an out-of-scope object in the admin is a permission_denied event (identity.middleware
and identity.staff_panel).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed

from audit.models import SecurityEvent
from audit.services import security_event_record
from kernel.client_ip import client_ip
from kernel.contact import normalize_email


def axes_username(request, credentials) -> str | None:
    """The email as django-axes counts it: normalized, so that case cannot dodge a lockout."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    return normalize_email(raw) if raw else raw


def _ip(request) -> str | None:
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or client_ip(request)


def _user_for(email: str | None):
    if not email:
        return None
    model = get_user_model()
    try:
        return model._default_manager.get_by_natural_key(email)
    except model.DoesNotExist:
        return None


def on_logged_in(sender, request, user, **kwargs) -> None:
    security_event_record(
        type=SecurityEvent.Type.LOGIN_SUCCEEDED,
        user=user,
        ip_address=_ip(request),
        details={"path": request.path if request is not None else ""},
    )


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    email = axes_username(request, credentials)
    locked = bool(getattr(request, "axes_locked_out", False))
    security_event_record(
        type=SecurityEvent.Type.LOGIN_FAILED,
        severity=SecurityEvent.Severity.MEDIUM if locked else SecurityEvent.Severity.LOW,
        user=_user_for(email),
        ip_address=_ip(request),
        details={
            "email": email or "",
            "locked_out": locked,
            "failures": getattr(request, "axes_failures_since_start", None),
            "path": request.path if request is not None else "",
        },
    )


def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    # axes sends this on the failure that reaches the limit and again on every attempt while
    # locked out (each extends the cool-off); the event is the lockout, once.
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None and failures > settings.AXES_FAILURE_LIMIT:
        return
    security_event_record(
        type=SecurityEvent.Type.ACCOUNT_LOCKED,
        severity=SecurityEvent.Severity.HIGH,
        user=_user_for(username),
        ip_address=ip_address,
        details={
            "email": username or "",
            "failures": failures,
            "cool_off_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(on_logged_in, dispatch_uid="identity-login-succeeded")
    user_login_failed.connect(on_login_failed, dispatch_uid="identity-login-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="identity-account-locked")

"""A refusal by the staff panel is a permission_denied security event.

A 403 from the admin, or a 404 for a row outside the user's scope (flagged on the request by
identity.staff_panel), is recorded here, after the view: outside the admin's transaction,
which the refusal rolls back.
"""

from django.urls import reverse

from identity.staff_panel.audit_trail import DENIED_ATTR, record_permission_denied


class AdminPermissionDeniedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix: str | None = None

    def __call__(self, request):
        response = self.get_response(request)
        flagged = getattr(request, DENIED_ATTR, None)
        if flagged is not None and response.status_code in (403, 404):
            record_permission_denied(request, **flagged)
        elif response.status_code == 403 and request.path.startswith(self.admin_prefix):
            record_permission_denied(request, reason="forbidden")
        return response

    @property
    def admin_prefix(self) -> str:
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        return self._admin_prefix

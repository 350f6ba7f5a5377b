"""A 403 answered by the staff panel is a permission_denied security event."""

from django.urls import reverse

from identity.admin_scoping import record_permission_denied


class AdminPermissionDeniedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix: str | None = None

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403 and request.path.startswith(self.admin_prefix):
            record_permission_denied(request, reason="forbidden")
        return response

    @property
    def admin_prefix(self) -> str:
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        return self._admin_prefix

"""Every app's customer API, mounted under /api/v1/."""

urlpatterns: list = []

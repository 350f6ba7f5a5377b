"""The staff panel's site: the stock AdminSite with its apps in the order staff use them.

Django lists apps alphabetically ("AI assistant", "Audit", "Axes", ...); staff open bookings,
customers and leads many times a day and the lockout library's tables rarely. The order, and
the names staff read, are set here (installed through myhibachi.staff_admin.StaffAdminConfig).
"""

from __future__ import annotations

from django.contrib import admin

# App labels, most used first; an app not listed comes after these, alphabetically.
APP_ORDER = ("core", "crm", "leads", "ops", "ai", "pricing", "identity", "audit", "axes")
# Models within an app, most used first (object names); the others follow alphabetically.
MODEL_ORDER = {
    "core": ("Booking", "Customer", "Payment", "MessageThread", "Message", "Review", "Notification"),
    "crm": ("Lead", "Campaign", "CustomerSegment"),
    "ops": ("Chef", "ChefAvailability"),
    "ai": ("Conversation",),
    "identity": ("User", "Station"),
    "audit": ("AuditLog", "SecurityEvent"),
}
# Names staff read instead of a library's: django-axes keeps the login lockouts.
APP_NAMES = {"axes": "Login lockouts"}


def _rank(order: tuple[str, ...], key: str) -> int:
    return order.index(key) if key in order else len(order)


class StaffAdminSite(admin.AdminSite):
    site_header = "My Hibachi staff"
    site_title = "My Hibachi staff"
    index_title = "Staff panel"
    # The app list is on the front page and every page has its breadcrumbs: on a 1400-pixel
    # screen the lists (bookings: ten columns and the filters) need the width more.
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        # The front page asks twice (its list, and the context of every page): built once per
        # request, each time with a permission check per model.
        if app_label is None and (kept := getattr(request, "_staff_app_list", None)) is not None:
            return kept
        apps = list(self._build_app_dict(request, app_label).values())
        for app in apps:
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
            order = MODEL_ORDER.get(app["app_label"], ())
            app["models"].sort(key=lambda model: (_rank(order, model["object_name"]), model["name"].lower()))
        apps.sort(key=lambda app: (_rank(APP_ORDER, app["app_label"]), app["name"].lower()))
        if app_label is None:
            request._staff_app_list = apps
        return apps

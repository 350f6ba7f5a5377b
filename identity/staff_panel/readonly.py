"""Records shown, never edited in the staff panel: payments, messages, webhooks, sends, the audit log."""

from __future__ import annotations


class ReadOnlyMixin:
    """No add, no change, no delete, for every user (superusers included); viewing as the admin allows.

    Mix it in before StationScopedAdmin or StationScopedInline, so that its answers win.
    """

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

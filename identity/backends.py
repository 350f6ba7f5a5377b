"""Authentication: staff log in by email and password; their roles are their permissions.

RolePermissionBackend authenticates like Django's ModelBackend (USERNAME_FIELD is the
email, matched case-insensitively by the manager) and answers every permission question
from the user's roles (identity.scoping), never from Django groups or per-user grants: there
is no second set of grants to keep in line.

- Django's model permissions (`core.view_booking`, `core.change_booking`, ...) are mapped to
  business permissions by identity.catalog.ADMIN_MODEL_PERMISSIONS.
- Business permissions are asked for directly: `user.has_perm("booking.cancel")`, or with
  an object, `user.has_perm("payment.refund", payment)`, which asks at its station.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from identity import catalog
from identity.scoping import access_for, station_id_of, user_has_permission


class RolePermissionBackend(ModelBackend):
    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        if user_obj.is_superuser:
            codes = set(catalog.PERMISSIONS)
        elif obj is not None:
            codes = {code for code in access_for(user_obj).codes if self._allows(user_obj, code, obj)}
        else:
            codes = set(access_for(user_obj).codes)
        return codes | {perm for perm, code in catalog.DJANGO_PERMISSIONS.items() if code in codes}

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        code = catalog.business_permission(perm)
        if code is None:
            return False
        return self._allows(user_obj, code, obj)

    def _allows(self, user_obj, code: str, obj) -> bool:
        station_id = station_id_of(obj) if obj is not None else None
        return user_has_permission(user_obj, code, station_id)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        prefix = f"{app_label}."
        return any(perm.startswith(prefix) for perm in self.get_all_permissions(user_obj))

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        """The users holding a permission (Django's or a business one) through a role."""
        if not isinstance(perm, str):
            raise TypeError(f"The `perm` argument must be a string, not {type(perm)}.")
        code = catalog.business_permission(perm)
        condition = Q(user_roles__role__role_permissions__permission__code=code) if code else Q(pk__in=[])
        if include_superusers:
            condition |= Q(is_superuser=True)
        users = get_user_model()._default_manager.filter(condition)
        if is_active is not None:
            users = users.filter(is_active=is_active)
        return users.distinct()

"""The forms of a station-scoped admin: choices narrowed to the user's scope, saves refused outside it."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from identity.scoping import (
    StationPath,
    access_for,
    scope_queryset,
    sees_every_station,
    station_ids_for,
    station_ids_of,
)
from kernel.error_codes import StaffErrors

OUTSIDE_STATIONS_MESSAGE = "You can only save this at one of your stations ({stations})."


def _model_label(model) -> str:
    return model._meta.label_lower


def _station_refusal(user, obj: models.Model, station_path: StationPath) -> str:
    """Why the user may not save `obj` where it is ("" if they may)."""
    held = station_ids_for(user)
    if held is None or not station_path:
        return ""
    found, complete = station_ids_of(obj, station_path)
    if not complete and not found:
        return ""  # no station of its own (a customer): the choices offered were scoped
    if found & held:
        return ""
    if access_for(user).chef_only:
        return ""  # a chef's rows are theirs by the chef field, whose choices are their own
    from identity.models import Station

    names = ", ".join(Station.objects.filter(pk__in=held).order_by("name").values_list("name", flat=True))
    return OUTSIDE_STATIONS_MESSAGE.format(stations=names or "none")


def _station_checked_form(form_class, user, station_path: StationPath):
    """The form, refusing (as a form error) an instance at a station the user does not hold."""
    if not station_path or sees_every_station(user):
        return form_class

    class StationCheckedForm(form_class):
        def _post_clean(self):
            super()._post_clean()
            if self.errors:
                return  # the user fixes those first; the instance may be half-built
            message = _station_refusal(user, self.instance, station_path)
            if message:
                field = "station" if "station" in self.fields else None
                self.add_error(field, ValidationError(message, code=StaffErrors.STATION_NOT_HELD))

    StationCheckedForm.__name__ = form_class.__name__
    StationCheckedForm.__qualname__ = form_class.__qualname__
    return StationCheckedForm


def _without(fields, hidden: set[str]):
    """Fieldset fields (names, or tuples of names on one line) without the hidden ones."""
    for entry in fields:
        if isinstance(entry, list | tuple):
            line = tuple(name for name in entry if name not in hidden)
            if line:
                yield line
        elif entry not in hidden:
            yield entry


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices narrowed to what the user may see."""

    def _scoped_choices(self, request, db_field, formfield):
        if formfield is None or not hasattr(formfield, "queryset") or formfield.queryset is None:
            return formfield
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        path = getattr(related_admin, "station_path", None)
        if path:
            formfield.queryset = scope_queryset(request.user, formfield.queryset, path)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._scoped_choices(request, db_field, formfield)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._scoped_choices(request, db_field, formfield)

    def get_autocomplete_fields(self, request):
        # An autocomplete asks the related model's admin, which answers only users who may
        # view it; for the others (a chef picking their own chef row) a scoped select.
        fields = []
        for name in super().get_autocomplete_fields(request):
            try:
                related = self.model._meta.get_field(name).remote_field.model
            except FieldDoesNotExist:
                fields.append(name)
                continue
            related_admin = self.admin_site._registry.get(related)
            if related_admin is None or related_admin.has_view_permission(request):
                fields.append(name)
        return fields

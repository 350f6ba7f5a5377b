"""The staff panel's date drill-down, bounded: no DISTINCT over every row of a large list.

Django's date_hierarchy lists the years that have rows with SELECT DISTINCT over the whole
(filtered) list, and the months of a year the same way: a read of every row (27 ms at 50,000
bookings, on every page of the list). Here the years are those from the first row's to the
last row's (MIN and MAX, two index lookups Django runs anyway), and the months of a year those
between its first and last row; a year or month in between without rows lists nothing. The
days of a month are Django's (a month's rows). templates/admin/change_list.html uses it.
"""

import datetime

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.utils import get_fields_from_path
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()


def _range(cl, field_name: str, is_datetime: bool):
    matches = getattr(cl, "search_matches", None)
    if matches is not None and field_name in matches.fields:
        # A search read its matches' dates with their keys (identity/staff_panel/search.py).
        values = [value for value in matches.values(field_name) if value is not None]
        first, last = (min(values), max(values)) if values else (None, None)
    else:
        found = cl.queryset.aggregate(first=models.Min(field_name), last=models.Max(field_name))
        first, last = found["first"], found["last"]
    if first is None or last is None:
        return None, None
    if is_datetime:
        first, last = (timezone.localtime(v) if timezone.is_aware(v) else v for v in (first, last))
    return first, last


@register.inclusion_tag("admin/date_hierarchy.html")
def bounded_date_hierarchy(cl):
    field_name = cl.date_hierarchy
    is_datetime = isinstance(get_fields_from_path(cl.model, field_name)[-1], models.DateTimeField)
    year_field, month_field = f"{field_name}__year", f"{field_name}__month"
    year, month = cl.params.get(year_field), cl.params.get(month_field)
    if month or cl.params.get(f"{field_name}__day"):
        return date_hierarchy(cl)  # a month's days: a month of rows

    def link(filters):
        return cl.get_query_string(filters, [f"{field_name}__"])

    first, last = _range(cl, field_name, is_datetime)
    if first is None:
        return {"show": True, "back": None, "choices": []}
    if year is None and first.year == last.year:
        year = str(first.year)  # as Django: open the only year there is
    if year is not None and first.month == last.month:
        # ... and the only month: its days, as Django lists them (a month of rows).
        saved = dict(cl.params)
        cl.params.update({year_field: year, month_field: str(first.month)})
        try:
            return date_hierarchy(cl)
        finally:
            cl.params.clear()
            cl.params.update(saved)
    if year is None:
        return {
            "show": True,
            "back": None,
            "choices": [
                {"link": link({year_field: str(each)}), "title": str(each)}
                for each in range(first.year, last.year + 1)
            ],
        }
    months = range(first.month, last.month + 1)  # the list holds that year's rows only
    return {
        "show": True,
        "back": {"link": link({}), "title": _("All dates")},
        "choices": [
            {
                "link": link({year_field: year, month_field: each}),
                "title": capfirst(
                    formats.date_format(datetime.date(int(year), each, 1), "YEAR_MONTH_FORMAT")
                ),
            }
            for each in months
        ],
    }

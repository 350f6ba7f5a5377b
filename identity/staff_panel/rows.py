"""What a changelist costs per row, kept to string formatting.

A staff list's time at scale is mostly rendering its 50 rows, and two of Django's per-row costs
are the same work repeated for every row:

- the action checkbox is rendered through a form widget: two templates (input, attrs) a row,
  the largest single cost of a row. ListRowsMixin.action_checkbox writes the same markup.
- the link to each row's change page is reversed, and, when the list is searched or filtered,
  resolved back again (to decide how to carry the filters along) for every row.
  StaffChangeList builds the link once, with a placeholder for the key, and puts each row's key
  in it: the same URL as Django's, percent-encoding included.
"""

from __future__ import annotations

from urllib.parse import quote as url_quote

from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext

from identity.staff_panel.search import search_matches

_KEY = "__row_key__"  # stands for the row's key in the change URL built once per list


class StaffChangeList(ChangeList):
    """Django's ChangeList, with a row's change URL built from one URL per list."""

    search_matches = None  # the search's SearchMatches (search.py), when it read them

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django adds these to each row's link (resolving the link first); the link made once
        # below carries them already, so the per-row step has nothing left to add.
        self.row_filters, self.preserved_filters = self.preserved_filters, ""
        self._change_url: str | None = None

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if exclude_parameters is None:  # the list's own rows (not a filter's facet counts)
            # The search's matches, read once: the date drill-down bounds its dates with them.
            self.search_matches = search_matches(request, self.model)
        return queryset

    def url_for_result(self, result):
        if self._change_url is None:
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(_KEY,),
                current_app=self.model_admin.admin_site.name,
            )
            self._change_url = add_preserved_filters(
                {"preserved_filters": self.row_filters, "opts": self.opts}, url
            )
        key = url_quote(str(quote(getattr(result, self.pk_attname))), safe=RFC3986_SUBDELIMS + "/~:@")
        return self._change_url.replace(_KEY, key, 1)


class ListRowsMixin:
    """Mixed into StationScopedAdmin: Django's rows, without a widget or a reverse per row."""

    def get_changelist(self, request, **kwargs):
        return StaffChangeList

    def action_checkbox(self, obj):
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

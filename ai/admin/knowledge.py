"""The knowledge base in the staff panel: entries without typed prices, and "try a question"."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path

from ai.engine.knowledge import KNOWN_PLACEHOLDERS, fill, knowledge_body_errors, knowledge_search
from ai.engine.policy import placeholder_values, policy_figures
from ai.models import Knowledge
from identity.staff_panel.scoped import StationScopedAdmin
from kernel.errors import ServiceError

PLACEHOLDER_HELP = (
    "Never type a price or a percentage: write a placeholder, filled from the catalogue and the "
    "booking policy when the assistant answers, e.g. {adult_price}, {deposit}, {party_minimum}, "
    "{refund_notice_days}, {change_cutoff_hours}, {price_lobster_tail} (price_<item code>). All: "
    + ", ".join("{" + name + "}" for name in sorted(KNOWN_PLACEHOLDERS))
    + "."
)


class KnowledgeForm(forms.ModelForm):
    class Meta:
        model = Knowledge
        fields = ("title", "category", "body", "is_active")
        help_texts = {"body": PLACEHOLDER_HELP}

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        errors = knowledge_body_errors(body)
        if errors:
            raise forms.ValidationError(errors)
        return body


class TryQuestionForm(forms.Form):
    question = forms.CharField(label="A customer's question", max_length=500)


@admin.register(Knowledge)
class KnowledgeAdmin(StationScopedAdmin):
    station_path = None  # one knowledge base for every station
    form = KnowledgeForm
    change_list_template = "admin/ai/knowledge/change_list.html"
    list_display = ("title", "category", "is_active", "updated_at")
    list_filter = ("category", "is_active")
    search_fields = ("title", "body")
    date_hierarchy = "updated_at"
    fields = ("title", "category", "body", "is_active", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")

    def get_urls(self):
        return [
            path(
                "try/",
                self.admin_site.admin_view(self.try_view),
                name="ai_knowledge_try",
            ),
            *super().get_urls(),
        ]

    def try_view(self, request: HttpRequest) -> TemplateResponse:
        """Which entries answer a question, with what confidence, and the answer as filled now."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = TryQuestionForm(request.GET or None)
        hits, error = [], ""
        if form.is_valid():
            try:
                values = placeholder_values(policy_figures(station=None))
            except ServiceError as exc:  # no pricing policy in effect
                values, error = {}, exc.message
            hits = [
                {"hit": hit, "answer": fill(hit.body, values)}
                for hit in knowledge_search(form.cleaned_data["question"])
            ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Try a question",
            "form": form,
            "hits": hits,
            "error": error,
            "asked": form.is_valid(),
        }
        return TemplateResponse(request, "admin/ai/knowledge/try.html", context)

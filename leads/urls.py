from django.urls import path

from leads.api import LeadCreateApi, LeadFunnelEventCreateApi, QuoteComputeApi

urlpatterns = [
    path("quotes/", QuoteComputeApi.as_view(), name="quote-compute"),
    path("leads/", LeadCreateApi.as_view(), name="lead-create"),
    path("leads/events/", LeadFunnelEventCreateApi.as_view(), name="lead-funnel-event-create"),
]

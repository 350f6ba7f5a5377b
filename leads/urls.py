from django.urls import path

from leads.api import LeadCreateApi, QuoteComputeApi

urlpatterns = [
    path("quotes/", QuoteComputeApi.as_view(), name="quote-compute"),
    path("leads/", LeadCreateApi.as_view(), name="lead-create"),
]

from django.urls import path

from crm.views import unsubscribe

urlpatterns = [
    path("unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
]

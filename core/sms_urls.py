from django.urls import path

from core.sms_api import SmsInboundReceiveApi

urlpatterns = [
    path("messages/sms/inbound/", SmsInboundReceiveApi.as_view(), name="sms-inbound-receive"),
]

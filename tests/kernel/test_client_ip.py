from django.test import RequestFactory, override_settings

from kernel.client_ip import client_ip

PROXY = "10.0.0.5"


def request(remote_addr: str = PROXY, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(REST_FRAMEWORK={"NUM_PROXIES": 0})
def test_without_a_trusted_proxy_the_client_is_the_connecting_address_whatever_it_forwards():
    assert client_ip(request(forwarded="203.0.113.9")) == PROXY


@override_settings(REST_FRAMEWORK={"NUM_PROXIES": 1})
def test_behind_one_proxy_the_client_is_the_address_that_proxy_saw_not_what_the_client_wrote():
    assert client_ip(request(forwarded="198.51.100.66, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(request()) == PROXY


def test_no_valid_address_is_none_rather_than_a_string_no_ip_column_takes():
    assert client_ip(request(remote_addr="not-an-ip")) is None
    assert client_ip(None) is None

from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


def test_the_openapi_schema_of_the_booking_api_generates_without_warnings():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("core.urls"))])

    schema = generator.get_schema(request=None, public=True)

    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    assert {
        "/api/v1/availability/",
        "/api/v1/bookings/",
        "/api/v1/bookings/manage/{token}/",
        "/api/v1/bookings/manage/{token}/cancel/",
        "/api/v1/bookings/manage/{token}/contact/",
        "/api/v1/bookings/manage/{token}/party/",
        "/api/v1/bookings/manage/{token}/address/",
        "/api/v1/bookings/manage/{token}/reschedule/",
        "/api/v1/bookings/manage/{token}/review/",
        "/api/v1/reviews/",
    } == set(schema["paths"])
    create = schema["paths"]["/api/v1/bookings/"]["post"]
    assert {"201", "400", "409", "429"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])
    availability = schema["paths"]["/api/v1/availability/"]["get"]
    assert {p["name"] for p in availability["parameters"]} == {"zip_code", "start", "end"}

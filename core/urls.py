from django.urls import path

from core.api import (
    AvailabilityListApi,
    BookingCreateApi,
    BookingManageAddressChangeApi,
    BookingManageCancelApi,
    BookingManageDetailApi,
    BookingManagePartyChangeApi,
    BookingManageRescheduleApi,
    BookingManageReviewCreateApi,
    CustomerContactUpdateApi,
    ReviewListApi,
)

urlpatterns = [
    path("availability/", AvailabilityListApi.as_view(), name="availability-list"),
    path("bookings/", BookingCreateApi.as_view(), name="booking-create"),
    path("bookings/manage/<str:token>/", BookingManageDetailApi.as_view(), name="booking-manage-detail"),
    path(
        "bookings/manage/<str:token>/cancel/", BookingManageCancelApi.as_view(), name="booking-manage-cancel"
    ),
    path(
        "bookings/manage/<str:token>/reschedule/",
        BookingManageRescheduleApi.as_view(),
        name="booking-manage-reschedule",
    ),
    path(
        "bookings/manage/<str:token>/party/",
        BookingManagePartyChangeApi.as_view(),
        name="booking-manage-party-change",
    ),
    path(
        "bookings/manage/<str:token>/address/",
        BookingManageAddressChangeApi.as_view(),
        name="booking-manage-address-change",
    ),
    path(
        "bookings/manage/<str:token>/review/",
        BookingManageReviewCreateApi.as_view(),
        name="booking-manage-review-create",
    ),
    path(
        "bookings/manage/<str:token>/contact/",
        CustomerContactUpdateApi.as_view(),
        name="customer-contact-update",
    ),
    path("reviews/", ReviewListApi.as_view(), name="review-list"),
]

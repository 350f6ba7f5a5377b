"""The customer website, at the root of this server (CUSTOMER_SITE_URL defaults to it)."""

from django.urls import path

from website.views import booking, changes, manage, pages, pay, quote, receipts

app_name = "website"

urlpatterns = [
    path("", pages.home, name="home"),
    path("quote/", quote.quote, name="quote"),
    path("book/", booking.book, name="book"),
    path("reviews/", pages.reviews, name="reviews"),
    path("contact/", pages.contact, name="contact"),
    path("contact/thanks/", pages.contact_thanks, name="contact-thanks"),
    path("manage/", manage.lost_link, name="lost-link"),
    path("manage/sent/", manage.lost_link_sent, name="lost-link-sent"),
    path("manage/<str:token>/", manage.manage, name="manage"),
    path("manage/<str:token>/reschedule/", manage.reschedule, name="reschedule"),
    path("manage/<str:token>/cancel/", manage.cancel, name="cancel"),
    path("manage/<str:token>/proteins/", manage.proteins, name="proteins"),
    path("manage/<str:token>/review/", manage.review, name="review"),
    path("manage/<str:token>/party/", changes.change_party, name="change-party"),
    path("manage/<str:token>/details/", changes.update_details, name="update-details"),
    path("manage/<str:token>/booking.ics", manage.calendar_file, name="calendar-file"),
    path("manage/<str:token>/paid/", pay.paid, name="paid"),
    path("manage/<str:token>/receipts/<str:number>/", receipts.receipt, name="receipt"),
    path("manage/<str:token>/receipts/<str:number>/pdf/", receipts.receipt_pdf, name="receipt-pdf"),
    path("pay/<str:token>/", pay.pay, name="pay"),
    path("robots.txt", pages.robots_txt, name="robots"),
    path("sitemap.xml", pages.sitemap_xml, name="sitemap"),
]

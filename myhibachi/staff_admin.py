"""Installs the staff panel's site (myhibachi.admin_site) as django.contrib.admin's default site."""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "myhibachi.admin_site.StaffAdminSite"

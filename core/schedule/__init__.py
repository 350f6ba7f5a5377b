"""The staff panel's schedule: the week/month calendar, chefs' run sheets and calendar feeds.

Reads (selectors) and the thin admin views that show them; every page goes through the
station-scoping policy of identity/scoping.py.
"""

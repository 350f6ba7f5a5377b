"""The staff panel's reports: money, parties, chefs and leads for a date range and the user's stations.

    definitions.py  each report: its permission, its one query, its table and chart
    chart.py        the server-drawn SVG bar chart (no JavaScript, nothing from a CDN)
    views.py        the pages (table + chart) and the CSV downloads (formula-safe, audited)

Every report reads through identity.scoping (the stations where the user's role grants the
report's permission) and makes one query, whatever the data.
"""

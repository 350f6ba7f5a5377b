"""The staff panel's reports: money, parties, chefs and leads for a date range and the user's stations.

    result.py       what a report is made of (scope, columns, result) and the shared helpers
    definitions.py  each report: its permission, its one query, its table and chart
    payouts.py      the chef payouts report (pay from ops.PayRate, tips, total)
    chart.py        the server-drawn SVG bar chart (no JavaScript, nothing from a CDN)
    views.py        the pages (table + chart) and the CSV downloads (formula-safe, audited)

Every report reads through identity.scoping (the stations where the user's role grants the
report's permission) and makes one query, whatever the data.
"""

"""{% staff_dashboard %}: the staff panel's front page sections (myhibachi/dashboard.py)."""

from django import template

from myhibachi.dashboard import dashboard_for

register = template.Library()


@register.inclusion_tag("admin/dashboard.html", takes_context=True)
def staff_dashboard(context) -> dict:
    request = context["request"]
    return {"dashboard": dashboard_for(request.user), "request": request}

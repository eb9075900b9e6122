from django import template

from insight.selectors import dashboard

register = template.Library()


@register.inclusion_tag("insight/dashboard.html", takes_context=True)
def sla_dashboard(context):
    """The admin's front page for staff: the sections their roles may see."""
    request = context["request"]
    return {"request": request, **dashboard(request.user)}


@register.filter
def pct(value):
    return "—" if value is None else f"{value:.1f}%"

"""Admin › E-mails: every e-mail the portal sends, rendered with demo data — its
subject, text part and HTML part — so staff see what customers get before they get it."""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace, csp_update
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.clickjacking import xframe_options_sameorigin

from . import mail


def _kind(name: str) -> mail.Kind:
    spec = mail.KINDS.get(name)
    if spec is None:
        raise Http404("No such e-mail.")
    return spec


@staff_member_required
def email_list(request):
    kinds = sorted(mail.KINDS.values(), key=lambda k: (k.name.split("/")[0], k.title))
    rows = [{"kind": k, "subject": mail.render(k.name, k.demo())[0]} for k in kinds]
    return render(request, "admin/emails/list.html", {
        **admin.site.each_context(request), "title": "E-mails", "rows": rows})


@staff_member_required
def email_detail(request, name: str):
    spec = _kind(name)
    subject, text, _html = mail.render(name, spec.demo())
    return render(request, "admin/emails/detail.html", {
        **admin.site.each_context(request), "title": spec.title, "kind": spec,
        "subject": subject, "text": text, "from_email": mail.settings.DEFAULT_FROM_EMAIL})


@staff_member_required
@xframe_options_sameorigin
@csp_update({"style-src": [UNSAFE_INLINE]})
@csp_replace({"frame-ancestors": [SELF]})
def email_html(request, name: str):
    """The HTML part alone, for the preview's sandboxed frame (e-mail HTML carries its
    styles inline, as mail clients need)."""
    spec = _kind(name)
    return HttpResponse(mail.render(name, spec.demo())[2])


urlpatterns = [
    path("", email_list, name="email_preview_list"),
    path("<path:name>/html/", email_html, name="email_preview_html"),
    path("<path:name>/", email_detail, name="email_preview"),
]

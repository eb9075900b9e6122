from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from insight import views as insight_views

urlpatterns = [
    path("", insight_views.front_door, name="home"),
    path("accounts/", include("slaportal.accounts.urls")),
    path("orders/", include("orders.urls")),
    path("support/", include("support.urls")),
    path("billing/", include("billing.urls")),
    path("insight/", include("insight.urls")),
    path("admin/emails/", include("slaportal.mail_preview")),
    path("admin/", admin.site.urls),
    path("health/", include("slaportal.health")),
    # Browsers ask for /favicon.ico whatever the page links.
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("img/favicon.svg"))),
]


handler403 = "slaportal.errors.permission_denied"
handler404 = "slaportal.errors.page_not_found"
handler500 = "slaportal.errors.server_error"

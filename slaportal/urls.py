from django.contrib import admin
from django.urls import include, path

from slaportal.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("slaportal.accounts.urls")),
    path("admin/", admin.site.urls),
]


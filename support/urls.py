"""The customers' support pages (issue 7), mounted at /support/."""

from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_new, name="new"),
    path("tickets/<int:pk>/", views.ticket_detail, name="detail"),
    path("access/<str:migration_id>/", views.access, name="access"),
    path("weekend/", views.weekend, name="weekend"),
]

from django.urls import path

from . import exports, views

app_name = "insight"

urlpatterns = [
    path("statements/", views.statement_list, name="statements"),
    path("statements/<str:month>/", views.statement_view, name="statement"),
    path("statements/<str:month>/pdf/", views.statement_pdf, name="statement_pdf"),
    path("staff/customers/<int:customer_id>/statements/<str:month>/", views.staff_statement,
         name="staff_statement"),
    path("staff/exports/<slug:report>.<slug:fmt>", exports.export, name="export"),
    path("calendars/<slug:slug>.ics", exports.calendar_ics, name="calendar_ics"),
    path("staff/customers/<int:customer_id>/statements/<str:month>/pdf/",
         views.staff_statement, {"fmt": "pdf"}, name="staff_statement_pdf"),
]

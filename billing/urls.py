from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("paypro/ipn/", views.paypro_ipn, name="paypro_ipn"),
    path("sandbox/checkout/<int:payment_id>/", views.sandbox_checkout, name="sandbox_checkout"),
]

from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("paypro/ipn/", views.paypro_ipn, name="paypro_ipn"),
    path("sandbox/checkout/<int:payment_id>/", views.sandbox_checkout, name="sandbox_checkout"),
    # Customer pages (issue 7); ACC-3: every id is looked up for its owner.
    path("confirm/<str:migration_id>/", views.order_confirm_view, name="confirm"),
    path("pay/<str:migration_id>/", views.pay, name="pay"),
    path("pay/<str:migration_id>/cancel/", views.payment_cancel_view, name="pay_cancel"),
    path("payments/", views.payment_list, name="payment_list"),
    path("invoices/<str:number>/", views.invoice, name="invoice"),
    path("invoices/<str:number>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("credit-notes/<str:number>/", views.credit_note, name="credit_note"),
    path("credit-notes/<str:number>/pdf/", views.credit_note_pdf, name="credit_note_pdf"),
    path("refunds/", views.refund_list, name="refund_list"),
    path("refunds/new/", views.refund_new, name="refund_new"),
    path("refunds/<int:pk>/", views.refund_detail, name="refund_detail"),
    path("refunds/data-deletion/<int:pk>/confirm/", views.data_deletion_confirm,
         name="data_deletion_confirm"),
    path("weekend-support/<int:booking_id>/pay/", views.pay_booking, name="pay_booking"),
    path("surcharges/<int:pk>/pay/", views.pay_surcharge, name="pay_surcharge"),
    path("custom-work/<int:pk>/pay/", views.pay_custom_work, name="pay_custom_work"),
    path("payments/<int:pk>/cancel/", views.payment_cancel_any, name="payment_cancel"),
]

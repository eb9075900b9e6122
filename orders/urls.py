from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("engine/events/", views.engine_events, name="engine-events"),
    path("quote/preview/", views.quote_preview_view, name="quote-preview"),
    # Customer pages (issue 7); ACC-3: every <migration_id> is looked up for its owner.
    path("", views.migration_list, name="list"),
    path("new/", views.order_new, name="new"),
    path("non-profit/", views.nonprofit_apply_view, name="nonprofit"),
    path("custom-work/", views.custom_work_list, name="custom-work-list"),
    path("custom-work/<int:pk>/", views.custom_work_detail, name="custom-work-detail"),
    path("custom-work/<int:pk>/report/", views.custom_work_report_view,
         name="custom-work-report"),
    path("custom-work/<int:pk>/accept/", views.custom_work_accept_view,
         name="custom-work-accept"),
    path("<str:migration_id>/", views.migration_detail, name="detail"),
    path("<str:migration_id>/re-migration/", views.migration_remigrate, name="remigrate"),
    path("<str:migration_id>/delta/", views.migration_delta, name="delta"),
    path("<str:migration_id>/pause/", views.migration_pause_view, name="pause"),
    path("<str:migration_id>/resume/", views.migration_resume_view, name="resume"),
    path("<str:migration_id>/custom-work/", views.migration_custom_work, name="custom-work"),
    path("<str:migration_id>/access/", views.migration_access, name="access"),
    path("<str:migration_id>/full/", views.migration_full_from_demo, name="full-from-demo"),
]

from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("engine/events/", views.engine_events, name="engine-events"),
    path("quote/preview/", views.quote_preview_view, name="quote-preview"),
]

"""Catalogue, price tables and settings (superusers edit, managers view); engines."""

from __future__ import annotations

from django.contrib import admin, messages

from .. import services
from ..models import (
    AssistedOffer,
    EngineClient,
    InsurancePlan,
    MigrationOption,
    OrdersSettings,
    PackageOffer,
    Platform,
    PriceTable,
    PriceTier,
)

# ---------------------------------------------------- catalogue: superusers edit


class SuperuserEditsMixin:
    """Catalogue and settings: superusers change them, account managers view them."""

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Platform)
class PlatformAdmin(SuperuserEditsMixin, admin.ModelAdmin):
    list_display = ("name", "line", "is_source", "is_target", "is_active")
    list_filter = ("line", "is_active")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("line", "name")}


class PriceTierInline(SuperuserEditsMixin, admin.TabularInline):
    model = PriceTier
    extra = 0


@admin.register(PriceTable)
class PriceTableAdmin(SuperuserEditsMixin, admin.ModelAdmin):
    list_display = ("__str__", "line", "minimum_price", "is_active")
    list_filter = ("line", "is_active", "source")
    list_select_related = ("source", "target")
    search_fields = ("source__name", "target__name")
    inlines = [PriceTierInline]


@admin.register(MigrationOption)
class MigrationOptionAdmin(SuperuserEditsMixin, admin.ModelAdmin):
    list_display = ("name", "line", "price", "is_active")
    list_filter = ("line",)


@admin.register(InsurancePlan)
class InsurancePlanAdmin(SuperuserEditsMixin, admin.ModelAdmin):
    list_display = ("name", "restarts", "window_business_days", "percent", "is_active")


@admin.register(PackageOffer)
class PackageOfferAdmin(SuperuserEditsMixin, admin.ModelAdmin):
    list_display = ("tier", "page_limit", "hours", "business_days", "price")


@admin.register(AssistedOffer)
class AssistedOfferAdmin(SuperuserEditsMixin, admin.ModelAdmin):
    list_display = ("tier", "amount", "unit", "includes_plugins", "price")


@admin.register(OrdersSettings)
class OrdersSettingsAdmin(SuperuserEditsMixin, admin.ModelAdmin):
    pass


@admin.register(EngineClient)
class EngineClientAdmin(admin.ModelAdmin):
    """Superusers only: a new engine's secret is shown once, at creation."""

    list_display = ("name", "key_id", "is_active", "created_at")
    fields = ("name", "is_active")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        client, secret = services.engine_client_create(name=obj.name, actor=request.user)
        obj.pk = client.pk
        self.message_user(
            request, f"Engine key {client.key_id}; secret (shown once): {secret}",
            messages.WARNING,
        )





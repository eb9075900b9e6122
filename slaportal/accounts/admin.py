from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from slaportal.admin_base import CappedCountPaginator, IndexedSearchMixin

from .choices import ProductLine
from .models import Customer, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(IndexedSearchMixin, SimpleHistoryAdmin, BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name",)}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),
    )


@admin.register(Customer)
class CustomerAdmin(IndexedSearchMixin, SimpleHistoryAdmin):
    list_display = [
        "email",
        "organisation",
        "phone",
        "uses_cms_line",
        "uses_data_line",
        "nonprofit_status",
        "account_manager",
    ]
    list_select_related = ["user", "account_manager"]
    list_filter = ["uses_cms_line", "uses_data_line", "nonprofit_status"]
    search_fields = ["user__email", "organisation", "phone"]
    raw_id_fields = ["user"]
    show_full_result_count = False
    paginator = CappedCountPaginator

    readonly_fields = ["support_plans"]

    @admin.display(ordering="user__email", description="e-mail")
    def email(self, obj: Customer) -> str:
        return obj.user.email

    @admin.display(description="support plans (SUP-10)")
    def support_plans(self, obj: Customer):
        """The plan serving each line now, and every plan bought with an order."""
        from django.apps import apps
        from django.utils import timezone
        from django.utils.html import format_html, format_html_join

        from support.selectors import customer_plan

        if obj.pk is None:
            return "—"
        now = timezone.now()
        current = format_html_join(", ", "{}: <strong>{}</strong>", (
            (ProductLine(line).label, customer_plan(customer=obj, line=line).name)
            for line in obj.product_lines
        ))
        periods = apps.get_model("support", "PlanPeriod").objects.filter(
            customer=obj).select_related("plan", "migration")[:50]
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                                "<td>{}</td></tr>", (
            (p.plan.name, p.migration.migration_id if p.migration else "—",
             timezone.localtime(p.starts_at).strftime("%Y-%m-%d %H:%M"),
             timezone.localtime(p.ends_at).strftime("%Y-%m-%d %H:%M") if p.ends_at else
             ("serving now" if p.is_open_at(now) else "—"), p.end_reason or "")
            for p in periods
        ))
        return format_html(
            "<p>Now: {}</p><table><tr><th>plan</th><th>bought with</th><th>from (Kyiv)</th>"
            "<th>until (Kyiv)</th><th>why it ended</th></tr>{}</table>",
            current or "—", rows or format_html("<tr><td colspan=5>No plan bought yet.</td></tr>"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "account_manager":
            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # customers carry order and money records; deactivate the user instead


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin, BaseGroupAdmin):
    pass


admin.site.site_header = "SLA Portal"
admin.site.site_title = "SLA Portal admin"
admin.site.index_title = "Back office"

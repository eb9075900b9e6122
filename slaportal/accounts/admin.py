from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.utils.html import format_html_join
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from slaportal.admin_base import CappedCountPaginator, IndexedSearchMixin

from . import two_factor
from .models import Customer, User
from .panels import customer_panels


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
    list_display = ["email", "full_name", "is_staff", "second_factor", "is_active", "date_joined"]
    actions = ["reset_second_factor"]
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

    def get_queryset(self, request):
        app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_second_factor=Exists(app))

    @admin.display(boolean=True, description="second factor", ordering="has_second_factor")
    def second_factor(self, obj: User) -> bool:
        return obj.has_second_factor

    def has_reset_second_factor_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(description="Reset the second factor (they enrol again at next sign-in)",
                  permissions=["reset_second_factor"])
    def reset_second_factor(self, request, queryset):
        users = list(queryset[:500])
        for user in users:
            two_factor.second_factor_reset(user, by=request.user)
        self.message_user(request, f"Second factor reset for {len(users)} user(s); each "
                                   "sets up an authenticator app at the next sign-in.",
                          messages.SUCCESS)


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
    readonly_fields = ["records"]
    show_full_result_count = False
    paginator = CappedCountPaginator

    @admin.display(description="records")
    def records(self, obj: Customer):
        """What the other apps record about this customer (support, hours, …)."""
        if obj.pk is None:
            return "—"
        return format_html_join(
            "", '<h3 class="panel-title">{}</h3>{}',
            ((title, render(obj)) for title, render in customer_panels()),
        )

    @admin.display(ordering="user__email", description="e-mail")
    def email(self, obj: Customer) -> str:
        return obj.user.email

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

from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import PortalPasswordResetForm

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("password_reset/", auth_views.PasswordResetView.as_view(
        form_class=PortalPasswordResetForm), name="password_reset"),
    path("two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", views.two_factor_recovery_codes,
         name="two_factor_recovery_codes"),
    path("", include("django.contrib.auth.urls")),
]

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device

from slaportal.forms import add_service_errors

from . import services, two_factor
from .decorators import customer_required
from .forms import ProfileForm, SignUpForm


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = form.save()
        except ValidationError:
            pass  # the form carries the message
        else:
            login(request, customer.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome! Your account is ready.")
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def home(request):
    """The customer's home page; staff are sent to the admin."""
    if request.user.is_staff:
        return redirect("admin:index")
    customer = getattr(request.user, "customer", None)
    return render(request, "accounts/home.html", {"customer": customer})


@customer_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The customer's own details, time zone and billing details (on invoices)."""
    customer = request.customer
    form = ProfileForm.for_customer(customer, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update_profile(customer=customer, actor=request.user,
                                             **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form, "customer": customer})


# --- the staff's second factor (slaportal.accounts.two_factor) -----------------------

class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=32, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}))


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse("admin:index")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Enrol an authenticator app; the recovery codes are shown once, on success."""
    if user_has_device(request.user):
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    device = two_factor.app_device_pending(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.app_device_confirm(request, form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "accounts/two_factor_codes.html",
                          {"codes": codes, "next": _next_url(request)})
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "next": _next_url(request),
        "qr_code": two_factor.qr_code_data_uri(device.config_url),
        "manual_key": two_factor.manual_key(device),
    })


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    if not user_has_device(request.user):
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next_url(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.second_factor_verify(request, form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            left = two_factor.recovery_codes_left(request.user)
            if left <= 3:
                messages.warning(request, f"{left} recovery code(s) left: make new ones "
                                          "under “Recovery codes”.")
            return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html",
                  {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request):
    """A verified staff member makes new recovery codes (the old ones stop working)."""
    if not (request.user.is_staff and request.user.is_verified()):
        return redirect("two_factor_verify")
    if request.method == "POST":
        codes = two_factor.recovery_codes_renew(request.user)
        return render(request, "accounts/two_factor_codes.html",
                      {"codes": codes, "next": reverse("admin:index")})
    return render(request, "accounts/two_factor_recovery.html",
                  {"left": two_factor.recovery_codes_left(request.user)})

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .forms import SignUpForm


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

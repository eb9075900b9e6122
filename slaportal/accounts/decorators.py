from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


def customer_required(view):
    """A customer page (ACC-3): signed-in customers only; staff go to the admin.

    The view receives ``request.customer``; every lookup it makes must be filtered by
    it, so another customer's object is a 404, never a 403.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        customer = getattr(request.user, "customer", None)
        if customer is None:
            return redirect("admin:index") if request.user.is_staff else redirect("login")
        request.customer = customer
        return view(request, *args, **kwargs)

    return wrapper

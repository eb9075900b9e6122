"""The portal's error pages: the customer's style, or the admin's under /admin/, with
the reference of the request in the logs on a 500."""

from django.http import HttpResponseForbidden, HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from slaportal.logs import current_request_id

_STAFF = {
    403: ("Not allowed", "Your account's role does not include this page or action. "
                         "A superuser can change the role under Users."),
    404: ("Not found", "There is nothing at this address: the record may have been removed, "
                       "or the link is mistyped."),
    500: ("Something went wrong", "The request could not be finished and nothing was saved "
                                  "by it. The error has been reported."),
}


def _staff_page(request) -> bool:
    return request.path.startswith("/admin/")


def _staff(status: int, response_class):
    title, message = _STAFF[status]
    body = loader.get_template("errors/staff.html").render(
        {"title": title, "message": message, "request_id": current_request_id()})
    return response_class(body)


@requires_csrf_token
def page_not_found(request, exception):
    if _staff_page(request):
        return _staff(404, HttpResponseNotFound)
    return defaults.page_not_found(request, exception)


@requires_csrf_token
def permission_denied(request, exception):
    if _staff_page(request):
        return _staff(403, HttpResponseForbidden)
    return defaults.permission_denied(request, exception)


@requires_csrf_token
def server_error(request):
    if _staff_page(request):
        return _staff(500, HttpResponseServerError)
    # No RequestContext: the page must render even when a context processor is broken.
    body = loader.get_template("500.html").render({"request_id": current_request_id()})
    return HttpResponseServerError(body)

"""The portal's 500 page, with the reference of the request in the logs."""

from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from slaportal.logs import current_request_id


@requires_csrf_token
def server_error(request):
    # No RequestContext: the page must render even when a context processor is broken.
    body = loader.get_template("500.html").render({"request_id": current_request_id()})
    return HttpResponseServerError(body)

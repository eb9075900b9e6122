"""The engine's endpoint and the wizard's price preview: parse, call a service, answer
JSON."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from support.models import SupportPlan

from .errors import OrderError
from .models import InsurancePlan, MigrationOption, Platform
from .services.engine import EngineError, engine_event_receive
from .services.quotes import nonprofit_discount_applies, quote_preview, quote_total


@csrf_exempt
@require_POST
def engine_events(request):
    try:
        result = engine_event_receive(
            key_id=request.headers.get("X-Engine-Key", ""),
            timestamp=request.headers.get("X-Engine-Timestamp", ""),
            signature=request.headers.get("X-Engine-Signature", ""),
            body=request.body,
        )
    except EngineError as exc:
        return JsonResponse({"ok": False, "error": exc.code, "message": exc.message},
                            status=exc.status)
    return JsonResponse(result)


@login_required
@require_GET
def quote_preview_view(request):
    """ORD-3: the order wizard's live price, as JSON; nothing is saved.

    GET source, target (platform slugs), records, options (option ids, repeatable),
    plan (support plan code), insurance (id), package, assisted (tiers).
    """
    try:
        source = Platform.objects.get(slug=request.GET.get("source", ""), is_active=True)
        target = Platform.objects.get(slug=request.GET.get("target", ""), is_active=True)
        records = int(request.GET.get("records", "0"))
        options = list(MigrationOption.objects.filter(
            pk__in=[int(v) for v in request.GET.getlist("options")], is_active=True))
        plan = request.GET.get("plan")
        insurance = request.GET.get("insurance")
        customer = getattr(request.user, "customer", None)
        lines = quote_preview(
            line=source.line, source=source, target=target, record_count=records,
            options=options,
            support_plan=SupportPlan.objects.get(code=plan, is_active=True) if plan else None,
            insurance=InsurancePlan.objects.get(pk=int(insurance)) if insurance else None,
            package_tier=request.GET.get("package") or None,
            assisted_tier=request.GET.get("assisted") or None,
            nonprofit=bool(customer and nonprofit_discount_applies(customer, timezone.now())),
        )
    except (ValueError, ObjectDoesNotExist):
        return JsonResponse({"ok": False, "message": "Choose platforms, a plan and a number "
                             "of records (or pages) from the catalogue."}, status=400)
    except OrderError as exc:
        return JsonResponse({"ok": False, "message": exc.message}, status=400)
    return JsonResponse({
        "ok": True,
        "lines": [{"kind": ln.kind, "description": ln.description,
                   "amount": str(ln.amount.amount)} for ln in lines],
        "total": str(quote_total(lines).amount),
        "currency": "USD",
    })

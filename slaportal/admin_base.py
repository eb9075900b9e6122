"""Pieces every app's admin shares."""

from __future__ import annotations

import re
from functools import cached_property, reduce
from operator import or_

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone

MIGRATION_ID = re.compile(r"^[2-9A-HJKMNP-Z]{10}$")


def looks_like_migration_id(term: str) -> bool:
    return bool(MIGRATION_ID.match(term.upper()))


MATERIALISE_LIMIT = 1000


def _nested_in(model: type[models.Model], path: str, leaf: models.QuerySet) -> Q:
    """``path`` (forward relations, e.g. ``migration__customer__user``) as ``IN`` on the
    model's own foreign key column: every step is an index lookup, where a join-wide
    filter would scan. Steps that match few rows (an e-mail, a Migration ID) are read
    into a list of ids, which the planner can use as an index condition; larger ones
    stay subqueries."""
    parts = path.split("__")
    chain = [model]
    for part in parts:
        chain.append(chain[-1]._meta.get_field(part).related_model)
    ids = _materialise(leaf)
    for i in range(len(parts) - 1, 0, -1):
        step = chain[i]._base_manager.filter(**{f"{parts[i]}__in": ids}).values("pk")
        ids = _materialise(step)
    return Q(**{f"{parts[0]}__in": ids})


def _materialise(qs: models.QuerySet):
    values = list(qs.values_list("pk", flat=True)[: MATERIALISE_LIMIT + 1])
    return values if len(values) <= MATERIALISE_LIMIT else qs.values("pk")


class IndexedSearchMixin:
    """Admin search that stays fast with a million rows.

    ``search_fields`` keep Django's meaning, but each kind of field is searched the way
    its index allows:

    - a field named ``email``: the whole address, case-insensitive (the unique index on
      ``lower(email)``); when no address is exactly the term, a part of one (a trigram
      index on the users' e-mail on PostgreSQL);
    - a field named ``migration_id``: exact, when the term has that shape (ORD-1), and
      then only that;
    - any other text field of the model itself: ``icontains`` (a trigram index on
      PostgreSQL where the table is large);

    and a field reached through relations (``customer__user__email``) becomes nested
    ``IN`` subqueries on the model's own foreign key, never a join-wide ``LIKE``.
    """

    search_help_text = "Whole e-mail address, Migration ID, or words of the text."

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()[:200].replace("\x00", "")
        if not term:
            return queryset, False
        arms = []
        specs = [spec.lstrip("=^@") for spec in self.get_search_fields(request)]
        by_id = any(spec.rpartition("__")[2] == "migration_id" for spec in specs) and (
            self._migration_id_exists(term))
        for spec in specs:
            path, _, name = spec.rpartition("__")
            if name == "email":
                if by_id:
                    continue
                cond = self._email_condition(path, term)
            elif name == "migration_id":
                if not by_id:
                    continue
                cond = Q(migration_id=term.upper())
            elif "@" in term or by_id:
                continue
            else:
                cond = Q(**{f"{name}__icontains": term})
            if path:
                owner = self.model
                for part in path.split("__"):
                    owner = owner._meta.get_field(part).related_model
                cond = _nested_in(self.model, path, owner._base_manager.filter(cond).values("pk"))
            arms.append(cond)
        if not arms:
            return queryset.none(), False
        return queryset.filter(reduce(or_, arms)), False


    @staticmethod
    def _migration_id_exists(term: str) -> bool:
        """A term shaped like a Migration ID that names one is searched as that alone; a
        word of the same shape ("attachment") is searched as a word."""
        from orders.models import Migration

        return looks_like_migration_id(term) and Migration.objects.filter(
            migration_id=term.upper()).exists()

    def _email_condition(self, path: str, term: str) -> Q:
        owner = self.model
        for part in path.split("__") if path else ():
            owner = owner._meta.get_field(part).related_model
        exact = Q(Exact(Lower("email"), term.lower()))
        if "@" in term and owner._base_manager.filter(exact).exists():
            return exact
        return Q(email__icontains=term)


class CappedCountPaginator(Paginator):
    """Counts at most ``cap`` rows: a list of a million rows costs what a list of
    ``cap`` costs, and the pages offered stop there (filters and search narrow it)."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if isinstance(qs, models.QuerySet):
            # Counted in the model's default ordering, which every large table has an
            # index for: PostgreSQL then counts along that index (unordered, it may
            # scan the table; in a sort the staff chose, it may sort every row).
            default = qs.model._meta.ordering or ["pk"]
            return qs.order_by(*default).values("pk")[: self.cap].count()
        return min(len(qs), self.cap)


    deferred_join_from = 1000

    def page(self, number):
        """Deep pages read the page's ids first (the ordering's index, no joins), then
        the rows with their related objects: OFFSET no longer drags every skipped row
        through the list's joins."""
        page = super().page(number)
        qs = self.object_list
        bottom = (page.number - 1) * self.per_page
        if bottom >= self.deferred_join_from and isinstance(qs, models.QuerySet):
            ids = list(qs.values_list("pk", flat=True)[bottom:bottom + self.per_page])
            page.object_list = qs.filter(pk__in=ids)
        return page


class ScaleAdmin(IndexedSearchMixin, admin.ModelAdmin):
    """Indexed search and a capped count for lists that grow with the business."""

    paginator = CappedCountPaginator
    show_full_result_count = False


class NeverDeleteAdmin(ScaleAdmin):
    """Records that are history or money: never deleted from the admin."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class FormPageMixin:
    """A staff member's form about one record, on a page of its own: ``act(obj, data)``
    calls the service and returns the message; a refusal is shown on the form and
    nothing is saved. Needs the change permission on the record."""

    def form_page(self, request, pk, *, form_class, title: str, intro: str, submit: str,
                  act, initial=None):
        from django.core.exceptions import PermissionDenied, ValidationError
        from django.shortcuts import get_object_or_404, redirect
        from django.template.response import TemplateResponse

        from slaportal.forms import add_service_errors

        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        form = form_class(request.POST or None, initial=initial)
        opts = self.model._meta
        back = f"admin:{opts.app_label}_{opts.model_name}_change"
        if request.method == "POST" and form.is_valid():
            try:
                message = act(obj, form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                self.message_user(request, message)
                return redirect(back, obj.pk)
        context = {**self.admin_site.each_context(request), "opts": opts, "original": obj,
                   "form": form, "media": form.media, "title": f"{title}: {obj}",
                   "intro": intro, "submit": submit, "back": back}
        return TemplateResponse(request, "admin/form_page.html", context)


def kyiv(value) -> str:
    """A datetime as Kyiv wall-clock time for list columns (CAL-5)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"

"""Paging for the customer's own lists (a customer may have thousands of tickets)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

CUSTOMER_PAGE_SIZE = 25


def customer_page(request, queryset, per_page: int = CUSTOMER_PAGE_SIZE) -> Page:
    """The page named by ``?page=``; a missing, non-numeric or out-of-range value gives
    the first or last page instead of an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))

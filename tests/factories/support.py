"""Factories for support tests. Tickets are built through ``ticket_create`` where a
rule is involved; these build the surrounding rows."""

from __future__ import annotations

from decimal import Decimal

import factory

from orders.choices import MigrationKind, MigrationStatus
from orders.models import Migration, PackageTier, ServicePackage
from support.models import CustomerPlan, SupportPlan

from .accounts import CustomerFactory

__all__ = [
    "SupportCustomerPlanFactory",
    "SupportMigrationFactory",
    "SupportServicePackageFactory",
]


class SupportMigrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Migration

    customer = factory.SubFactory(CustomerFactory)
    line = "cms"
    kind = MigrationKind.FULL
    status = MigrationStatus.RUNNING


class SupportServicePackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePackage

    migration = factory.SubFactory(SupportMigrationFactory)
    tier = PackageTier.BASIC
    hours_included = Decimal("6.00")


class SupportCustomerPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerPlan

    customer = factory.SubFactory(CustomerFactory)
    plan = factory.LazyFunction(lambda: SupportPlan.objects.get(code="signature"))
    line = factory.LazyAttribute(lambda o: o.plan.line)

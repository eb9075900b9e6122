"""Factories for support tests. Tickets are built through ``ticket_create`` where a
rule is involved; these build the surrounding rows."""

from __future__ import annotations

from decimal import Decimal

import factory

from orders.choices import MigrationStatus
from orders.models import PackageTier, ServicePackage
from slaportal.plans.models import CustomerPlan, SupportPlan

from .accounts import CustomerFactory
from .orders import MigrationFactory

__all__ = [
    "SupportCustomerPlanFactory",
    "SupportMigrationFactory",
    "SupportServicePackageFactory",
]


class SupportMigrationFactory(MigrationFactory):
    """A running CMS migration, the usual subject of a support ticket."""

    line = "cms"
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

"""Orders factories. Rules are exercised through services; these build plain rows."""

import factory

from orders.choices import MigrationKind, MigrationStatus
from orders.models import AccessDetail, EngineClient, Migration, Platform

from .accounts import CustomerFactory

__all__ = [
    "AccessDetailFactory",
    "EngineClientFactory",
    "MigrationFactory",
    "OrdersMigrationFactory",
    "PlatformFactory",
]


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform

    name = factory.Sequence(lambda n: f"Platform {n}")
    slug = factory.Sequence(lambda n: f"platform-{n}")
    line = "data"


class MigrationFactory(factory.django.DjangoModelFactory):
    """The one Migration factory: a quoted full data-line migration."""

    class Meta:
        model = Migration

    customer = factory.SubFactory(CustomerFactory)
    line = "data"
    kind = MigrationKind.FULL
    status = MigrationStatus.QUOTED


OrdersMigrationFactory = MigrationFactory


class AccessDetailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessDetail


class EngineClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngineClient

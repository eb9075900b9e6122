"""Recount the SLA dashboard's compliance rollup for the last N Kyiv months (beat keeps
this month and the last current; run this once after deploying or importing)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from support.selectors import months_back
from support.services import sla_monthly_refresh


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=12)

    def handle(self, *args, months: int, **options):
        if not 1 <= months <= 120:
            raise CommandError("--months takes 1 to 120.")
        written = sla_monthly_refresh(
            months=months_back(timezone.localdate().replace(day=1), months))
        self.stdout.write(f"{written} figures for {months} month(s).")

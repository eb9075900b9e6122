"""Feed one raw RFC 822 support e-mail (a file or stdin) to the inbound service."""

import sys

from django.core.management.base import BaseCommand

from support.choices import InboundOutcome
from support.services import inbound_email_process


class Command(BaseCommand):
    help = "Create or continue a support ticket from a raw e-mail (file path or '-' for stdin)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-")

    def handle(self, *args, path="-", **options):
        if path == "-":
            raw = sys.stdin.read()
        else:
            with open(path, encoding="utf-8", errors="replace") as fh:
                raw = fh.read()
        result = inbound_email_process(raw=raw)
        line = f"{result.outcome}: {result.message} (stored as inbound e-mail {result.email.pk})"
        if result.outcome in (InboundOutcome.CREATED, InboundOutcome.CONTINUED):
            self.stdout.write(self.style.SUCCESS(line))
        else:
            self.stderr.write(line)
        return None

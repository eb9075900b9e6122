"""ORD-14: re-encrypt every stored credential with the first key of ACCESS_DETAILS_KEYS.

Rotation: put the new key first in ACCESS_DETAILS_KEYS (keep the old ones after it),
deploy, run this command, then drop the old keys.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from orders import crypto
from orders.models import AccessDetail, EngineClient


class Command(BaseCommand):
    help = "Re-encrypt access details and engine secrets with the current key (ORD-14)."

    def handle(self, *args, **options):
        count = 0
        for model in (AccessDetail, EngineClient):
            for pk in model.objects.exclude(secret_encrypted="").values_list("pk", flat=True):
                with transaction.atomic():
                    row = model.objects.select_for_update().get(pk=pk)
                    row.secret_encrypted = crypto.rotate(row.secret_encrypted)
                    row.save(update_fields=["secret_encrypted"])
                    count += 1
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} secrets."))

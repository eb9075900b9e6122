"""What orders tells the apps above it, without importing them.

``records_counted``: the migration engine counted the source's records at the start of
a migration (kwargs ``migration``, ``records``, ``now``). Billing raises the BIL-5
surcharge from it, through the same service an account manager uses.
"""

from django.dispatch import Signal

records_counted = Signal()

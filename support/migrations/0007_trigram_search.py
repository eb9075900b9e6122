from django.db import migrations

from slaportal.trigram import trigram_index


class Migration(migrations.Migration):
    dependencies = [("support", "0006_queue_indexes")]

    operations = [
        trigram_index("support_ticket", "subject", "support_ticket_subject_trgm"),
        trigram_index("support_ticketmessage", "body", "support_ticketmessage_body_trgm"),
    ]

from django.db import migrations

from slaportal.trigram import trigram_index


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_customer_time_zone")]

    operations = [
        trigram_index("accounts_user", "email", "accounts_user_email_trgm"),
        trigram_index("accounts_user", "full_name", "accounts_user_full_name_trgm"),
        trigram_index("accounts_customer", "organisation", "accounts_customer_org_trgm"),
    ]

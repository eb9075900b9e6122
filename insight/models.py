from django.db import models


class StatementDelivery(models.Model):
    """A monthly SLA statement e-mailed to a customer: once per customer and month."""

    customer = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT,
                                 related_name="statement_deliveries")
    month = models.DateField(help_text="First day of the Europe/Kyiv month reported.")
    sent_to = models.EmailField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-month", "customer"]
        constraints = [models.UniqueConstraint(fields=["customer", "month"],
                                               name="insight_one_statement_per_month")]

    def __str__(self) -> str:
        return f"Statement {self.month:%Y-%m} to {self.sent_to}"

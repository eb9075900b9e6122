from django.apps import AppConfig


class OrdersConfig(AppConfig):
    verbose_name = "Orders and migrations"
    name = "orders"

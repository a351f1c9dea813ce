from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "alliance.demo"
    verbose_name = "Demo data"

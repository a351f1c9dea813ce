from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "alliance.monitoring"
    verbose_name = _("Monitoring the pilots")

    def ready(self):
        from . import snapshots

        # The daily snapshot (alliance.work's registry).
        snapshots.register()

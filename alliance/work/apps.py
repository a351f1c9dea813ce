from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "alliance.work"
    label = "work"
    verbose_name = _("Tasks and notifications")

    def ready(self):
        from alliance.core import anchors

        from . import kinds, registry

        kinds.register()
        registry.register_daily("core.audit_anchor", anchors.daily_anchor)

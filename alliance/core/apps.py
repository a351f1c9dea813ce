from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "alliance.core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks, headers, lookups  # noqa: F401  (system checks, the ids_in lookup)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "alliance.cases"
    verbose_name = _("Cases")

    def ready(self):
        from .sections import register_sections

        register_sections()

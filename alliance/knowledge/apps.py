from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "alliance.knowledge"
    verbose_name = _("Knowledge base, methodology and training")

    def ready(self):
        pass

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "alliance.knowledge"
    verbose_name = _("Knowledge base, methodology and training")

    def ready(self):
        from .entries import work as entry_work
        from .training import work as training_work

        # Task and notification kinds, and the daily functions (alliance.work's registry).
        entry_work.register()
        training_work.register()

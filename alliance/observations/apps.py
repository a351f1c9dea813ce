from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationsConfig(AppConfig):
    name = "alliance.observations"
    verbose_name = _("Dynamic security")

    def ready(self):
        from . import sections, work

        # The person page's sections and the timeline entries (alliance.people's registries).
        sections.register_sections()

        # Task and notification kinds (alliance.work's registry).
        work.register()

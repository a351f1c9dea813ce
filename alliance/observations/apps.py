from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationsConfig(AppConfig):
    name = "alliance.observations"
    verbose_name = _("Dynamic security")

    def ready(self):
        from alliance.core import purpose as core_purpose

        from . import sections, work
        from .purpose import Purpose

        # The audit trail and the disclosures show this chooser's purposes by their labels.
        core_purpose.register_labels(Purpose.CHOICES)

        # The person page's sections and the timeline entries (alliance.people's registries).
        sections.register_sections()

        # Task and notification kinds (alliance.work's registry).
        work.register()

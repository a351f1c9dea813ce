from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationsConfig(AppConfig):
    name = "alliance.observations"
    verbose_name = _("Dynamic security")

    def ready(self):
        from alliance.assessments import labels as assessment_labels
        from alliance.core import purpose as core_purpose

        from . import sections, selectors, work
        from .purpose import Purpose

        # The audit trail and the disclosures show this chooser's purposes by their labels.
        core_purpose.register_labels(Purpose.CHOICES)

        # The person page's sections and the timeline entries (alliance.people's registries).
        sections.register_sections()

        # Task and notification kinds (alliance.work's registry).
        work.register()

        # The escalation indicators a due reassessment's detail names (alliance.assessments).
        assessment_labels.register_indicator_names(selectors.indicator_names)

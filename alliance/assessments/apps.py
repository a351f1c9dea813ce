from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "alliance.assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from . import sections, work

        # The person page's section and the timeline entries (alliance.people's registries).
        sections.register_sections()

        # Task and notification kinds and the daily function (alliance.work's registry).
        work.register()

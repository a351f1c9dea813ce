from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "alliance.plans"
    verbose_name = _("Plans and engagement")

    def ready(self):
        from . import sections, work

        # The person page's sections and the timeline entries (alliance.people's registries).
        sections.register_sections()

        # Task and notification kinds and the daily function (alliance.work's registry).
        work.register()

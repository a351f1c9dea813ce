from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleaseConfig(AppConfig):
    name = "alliance.release"
    verbose_name = _("Release and after")

    def ready(self):
        from alliance.people.services import key_dates_changed

        from . import sections, work
        from .services import steps

        # The person page's section and the timeline entries (alliance.people's registries).
        sections.register_sections()
        # Task and notification kinds, and the daily functions (alliance.work's registry).
        work.register()
        # The steps' due dates follow the expected release, in the same transaction.
        key_dates_changed.connect(steps.on_key_dates_changed,
                                  dispatch_uid="release.steps.key_dates_changed")

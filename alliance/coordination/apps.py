from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "alliance.coordination"
    verbose_name = _("Coordination between agencies")

    def ready(self):
        from .agreements import work as agreement_work
        from .conferences import sections as conference_sections
        from .conferences import work as conference_work
        from .referrals import sections as referral_sections
        from .referrals import work as referral_work

        # Task and notification kinds, and the daily functions (alliance.work's registry).
        agreement_work.register()
        referral_work.register()
        conference_work.register()
        # The person page's sections and the timeline entries (alliance.people's registries).
        referral_sections.register_sections()
        conference_sections.register_sections()

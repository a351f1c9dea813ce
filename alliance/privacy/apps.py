from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "alliance.privacy"
    verbose_name = _("Data-subject rights")

    def ready(self):
        # The restriction of processing (people/restriction.py) is installed by the app that
        # owns data-subject rights: the access check in core.policy and the write guard.
        from alliance.people import restriction

        restriction.install()

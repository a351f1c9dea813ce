from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "alliance.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from alliance.core import audit

        from . import checks, signals  # noqa: F401  (start-up checks; sign-in events audited)
        from .access import profile_for

        audit.set_agency_resolver(lambda user: profile_for(user).primary_agency)

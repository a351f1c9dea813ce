from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "alliance.people"
    verbose_name = _("People")

    def ready(self):
        from alliance.core import audit
        from alliance.core.signals import keys_rotated

        from .disclosures import consultation_written
        from .sections import register_own as register_sections
        from .services import rebuild_all_search_tokens

        keys_rotated.connect(rebuild_all_search_tokens, dispatch_uid="people-search-tokens")
        register_sections()
        audit.on_consultation(consultation_written)

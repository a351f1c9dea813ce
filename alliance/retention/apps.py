from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "alliance.retention"
    verbose_name = _("Retention and erasure")

    def ready(self):
        from . import review

        # The daily review of retention periods and the DPO's task (alliance.work's registry).
        review.register()

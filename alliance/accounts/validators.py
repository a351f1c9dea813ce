from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NotDemoPasswordValidator:
    """The published demo password can never be set through the application (admin, password
    change, reset), so a real installation cannot end up with it; seed_demo refuses to run in
    production, which closes the other way in."""

    def validate(self, password, user=None):
        if password == settings.DEMO_PASSWORD:
            raise ValidationError(_("This is the published demo password. Choose another."),
                                  code="demo_password")

    def get_help_text(self):
        return _("Your password cannot be the published demo password.")

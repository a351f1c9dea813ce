"""The Django admin is for configuration (jurisdictions, agencies, users, memberships) and for
system administrators only. No person-level model is registered: administrators run the
system, they do not read cases."""

from django.utils.translation import gettext_lazy as _

from alliance.accounts.access import can_administer


def configure_admin(site):
    site.site_header = _("Alliance administration")
    site.site_title = _("Alliance administration")
    site.index_title = _("Configuration")

    def has_permission(request):
        return request.user.is_active and can_administer(request.user)

    site.has_permission = has_permission

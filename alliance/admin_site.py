"""The Django admin is for configuration (jurisdictions, agencies, users, memberships) and for
system administrators only. No person-level model is registered: administrators run the
system, they do not read cases."""

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alliance.accounts.access import can_administer


def _sign_in_through_allauth(request, extra_context=None):
    """The admin has no sign-in of its own: one sign-in page for everyone, with its second
    factor, its limits per account and per address, and its audit events (accounts/)."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"),
                             reverse("account_login"))


def configure_admin(site):
    site.site_header = _("Alliance administration")
    site.site_title = _("Alliance administration")
    site.index_title = _("Configuration")

    def has_permission(request):
        return request.user.is_active and can_administer(request.user)

    site.has_permission = has_permission
    site.login = _sign_in_through_allauth

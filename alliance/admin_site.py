"""The Django admin is for configuration (jurisdictions, agencies, users, memberships) and for
system administrators only. No person-level model is registered: administrators run the
system, they do not read cases."""

from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from alliance.accounts.access import can_administer


def _sign_in_through_allauth(request, extra_context=None):
    """The admin has no sign-in of its own: one sign-in page for everyone, with its second
    factor, its limits per account and per address, and its audit events (accounts/)."""
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), reverse("account_login")
    )


@dataclass(frozen=True)
class AdminTask:
    """One thing an administrator comes to do, as a link on the admin's first page."""

    title: str
    url_name: str
    description: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


# What a system administrator does, first: most of it lives outside the admin (the instrument
# loading page, the agreements), so without these links a newcomer landing here could not find it.
ADMIN_TASKS = (
    AdminTask(
        _("Load an instrument"),
        "assessments:instrument_load",
        _("Add a new instrument version from its definition file."),
    ),
    AdminTask(
        _("Instruments"),
        "assessments:instruments",
        _("The instrument versions in use and their definitions."),
    ),
    AdminTask(
        _("Users"),
        "admin:accounts_user_changelist",
        _("Create accounts, reset passwords, deactivate leavers."),
    ),
    AdminTask(
        _("Memberships and roles"),
        "admin:accounts_membership_changelist",
        _("Who works in which agency, with which roles."),
    ),
    AdminTask(
        _("Certifications"),
        "admin:assessments_certification_changelist",
        _("Who is certified for which instrument, and until when."),
    ),
    AdminTask(
        _("Agencies"),
        "admin:organisations_agency_changelist",
        _("Prisons, probation offices and community providers."),
    ),
    AdminTask(
        _("Sharing agreements"),
        "coordination:agreement_list",
        _("The agreements under which agencies share information."),
    ),
)


def configure_admin(site):
    site.site_header = _("Alliance administration")
    site.site_title = _("Alliance administration")
    site.index_title = _("Configuration")

    def has_permission(request):
        return request.user.is_active and can_administer(request.user)

    site.has_permission = has_permission
    site.login = _sign_in_through_allauth

    index = site.index

    def index_with_tasks(request, extra_context=None):
        # Read by templates/admin/index.html, above Django's list of models.
        return index(request, extra_context={**(extra_context or {}), "admin_tasks": ADMIN_TASKS})

    site.index = index_with_tasks

    def i18n_javascript(request, extra_context=None):
        # The admin's scripts (calendar, clock, selectors) read only django.contrib.admin's
        # catalogue; alliance.languages adds it for the languages Django lacks (Montenegrin).
        return JavaScriptCatalog.as_view(
            packages=["django.contrib.admin", "alliance.languages"])(request)

    site.i18n_javascript = i18n_javascript

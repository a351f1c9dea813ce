"""Two-factor authentication required by role, and re-authentication before sensitive actions.

* `MFA_REQUIRED_ROLES` (settings) names the roles whose holders must use a second factor: an
  authenticator app (TOTP) or a security key (WebAuthn); recovery codes alone do not count, as
  they are the way back in when the factor is lost. "all" means every role (production's
  default). A superuser must use one whenever any role must.
* `SecondFactorMiddleware` takes such a user, as long as they have no second factor, to the
  set-up pages and lets them reach nothing else (sign-out, the language switch and the health
  check excepted). The API answers them 403 `second_factor_required`, whether they came with
  a session or with a token.
* `MFAAdapter` refuses to remove the last second factor of a user who must have one.
* Re-authentication is allauth's `reauthentication_required` on the views that need it; this
  middleware answers its refusal in the API's error shape and, for htmx, with `HX-Redirect`.
"""

from urllib.parse import urlencode, urlsplit

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core.exceptions import ReauthenticationRequired
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings

from alliance.core import audit
from alliance.core.errors import error_body, is_api
from alliance.core.models import AuditAction

from .access import profile_for
from .models import Role

ALL_ROLES = "all"
# Recovery codes are the way back in when the real factor is lost: they do not count as one.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

# What a user who must set up a second factor may still reach (URL names): the set-up pages
# (allauth asks for the password again before adding a factor), sign-out, the language switch,
# the health check. Everything else, person pages and API included, waits for the set-up.
SET_UP_PAGES = frozenset({
    "mfa_index", "mfa_activate_totp", "mfa_add_webauthn", "mfa_list_webauthn",
    "mfa_reauthenticate", "mfa_reauthenticate_webauthn", "account_reauthenticate",
    "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_download_recovery_codes",
    "account_logout", "account_login", "set_language", "healthz", "robots",
})


def required_roles() -> frozenset[str]:
    """The roles whose holders must use a second factor (`MFA_REQUIRED_ROLES`)."""
    names = set(getattr(settings, "MFA_REQUIRED_ROLES", []))
    if ALL_ROLES in names:
        return frozenset(Role.values)
    unknown = names - set(Role.values)
    if unknown:
        raise ImproperlyConfigured(
            f"MFA_REQUIRED_ROLES names unknown roles: {', '.join(sorted(unknown))}. Use role "
            f"codes ({', '.join(Role.values)}) or \"{ALL_ROLES}\". See docs/deployment.md.")
    return frozenset(names)


def must_use_second_factor(user) -> bool:
    """Whether `user` must sign in with a second factor: they hold a required role in an active
    membership, or they are a superuser while any role requires one."""
    if not user.is_authenticated:
        return False
    roles = required_roles()
    if not roles:
        return False
    return user.is_superuser or bool(profile_for(user).roles & roles)


def has_second_factor(user, *, excluding: Authenticator | None = None) -> bool:
    """Whether `user` has an authenticator app or a security key (other than `excluding`)."""
    factors = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS)
    if excluding is not None:
        factors = factors.exclude(pk=excluding.pk)
    return factors.exists()


def needs_set_up(user) -> bool:
    """Whether `user` must set up a second factor before anything else."""
    return must_use_second_factor(user) and not has_second_factor(user)


def may_remove(authenticator: Authenticator) -> bool:
    """A user who must use a second factor keeps at least one (recovery codes go with it)."""
    if authenticator.type not in SECOND_FACTORS:
        return True
    user = authenticator.user
    return not must_use_second_factor(user) or has_second_factor(user, excluding=authenticator)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": gettext_lazy(
            "Your role requires two-factor authentication, so this is not removed: add another "
            "authenticator app or security key first, or ask your administrator to reset it."),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return may_remove(authenticator)


# --- the middleware ------------------------------------------------------------------------------

def _api_user(request):
    """The user a token in this API request belongs to, authenticated by the API's own
    authentication classes (sessions are already known to the middleware). None when there is no
    token or it is not valid: the view then answers 401 itself."""
    authenticators = [cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES
                      if not issubclass(cls, SessionAuthentication)]
    for authenticator in authenticators:
        try:
            result = authenticator.authenticate(Request(request))
        except APIException:
            return None
        if result is not None:
            return result[0]
    return None


def _second_factor_required_api():
    return JsonResponse(error_body(
        _("Your role requires two-factor authentication. Sign in on the web and set up an "
          "authenticator app or a security key first."), "second_factor_required"), status=403)


def _same_site_path(url: str) -> str:
    parts = urlsplit(url or "")
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path else ""


class SecondFactorMiddleware:
    """See the module's docstring. Placed after allauth's AccountMiddleware, so that it answers
    a refused re-authentication before allauth's own redirect does."""

    def __init__(self, get_response):
        self.get_response = get_response
        required_roles()  # an unknown role in the setting stops the start, not a request

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not required_roles():
            return None
        name = request.resolver_match.view_name if request.resolver_match else None
        user = request.user
        if is_api(request) and not user.is_authenticated:
            user = _api_user(request)
            if user is None:
                return None
        if not user.is_authenticated:
            return None
        if needs_set_up(user):
            request.second_factor_required = True
            if is_api(request):
                return _second_factor_required_api()
            if name in SET_UP_PAGES:
                return None
            return HttpResponseRedirect(reverse("mfa_index"))
        if name == "mfa_remove_webauthn" and request.method == "POST":
            return self._refuse_removing_last_key(request, view_kwargs)
        return None

    def _refuse_removing_last_key(self, request, view_kwargs):
        # allauth asks the adapter before removing an authenticator app, not a security key.
        key = Authenticator.objects.filter(user_id=request.user.pk, pk=view_kwargs.get("pk"),
                                           type=Authenticator.Type.WEBAUTHN).first()
        if key is None or may_remove(key):
            return None
        messages.error(request, MFAAdapter.error_messages["cannot_delete_authenticator"])
        return HttpResponseRedirect(reverse("mfa_list_webauthn"))

    def process_exception(self, request, exception):
        if not isinstance(exception, ReauthenticationRequired):
            return None
        if is_api(request):
            return JsonResponse(error_body(
                _("Confirm your password on the web first: this action needs a recent "
                  "sign-in."), "reauthentication_required"), status=403)
        if request.headers.get("HX-Request") != "true":
            return None  # allauth's middleware redirects, and brings the user back
        # htmx would swap the sign-in form into the page: send the whole page there instead, and
        # back to the link itself (a GET, an export) or to the page the user was on.
        methods = get_account_adapter().get_reauthentication_methods(request.user)
        url = methods[0]["url"] if methods else reverse("account_login")
        back = (request.get_full_path() if request.method == "GET"
                else _same_site_path(request.headers.get("HX-Current-URL", "")))
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"{url}?{urlencode({REDIRECT_FIELD_NAME: back or '/'})}"
        return response


# --- the audit trail ----------------------------------------------------------------------------
#
# allauth adds and removes authenticators in its own views, which offer no hook but these
# signals; STYLE.md prefers audit lines written by our services, but here there is no service
# of ours to write them. allauth sends "removed" inside its change and "added" and "reset" just
# after the change commits, so those two events follow it in a transaction of their own.

def _record(action: str, change: str, user, authenticator: Authenticator) -> None:
    audit.record(actor=user, action=action, obj=user, details={
        "user": user.get_username(), "second_factor": authenticator.type, "change": change})


@receiver(authenticator_added)
def _authenticator_added(sender, request, user, authenticator, **kwargs):
    _record(AuditAction.CREATE, "added", user, authenticator)


@receiver(authenticator_removed)
def _authenticator_removed(sender, request, user, authenticator, **kwargs):
    _record(AuditAction.DELETE, "removed", user, authenticator)


@receiver(authenticator_reset)
def _authenticator_reset(sender, request, user, authenticator, **kwargs):
    _record(AuditAction.CHANGE, "recovery_codes_regenerated", user, authenticator)

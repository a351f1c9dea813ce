"""How long a signed-in session lasts, and ending sessions on purpose.

Two limits, enforced on every signed-in request by `SessionLimitsMiddleware` (right after
Django's AuthenticationMiddleware):

* idle: SESSION_IDLE_TIMEOUT seconds (15 minutes by default) without a request from the user;
* absolute: SESSION_ABSOLUTE_TIMEOUT seconds (10 hours) after sign-in, however active.

The sign-in time is written when Django's `user_logged_in` fires (allauth's sign-in, and the
tests' force_login, both send it). A session that lacks it -- made before these limits existed,
or by a path that skipped `login()` -- is treated as expired, never as unlimited.

The last activity is kept in the session's row of allauth's user sessions (`last_seen_at`, which
the user's account page shows), checked and moved by one UPDATE, at most once a minute per
session and app process (to the minute is all the idle limit needs); the session itself is not
saved again. allauth's own tracking middleware is not installed: it would cost four queries a
request and count background requests as activity. Requests marked as background work (the
`X-Alliance-Background` header, for anything that polls) do not count as activity, so a page left
open cannot keep its session alive for ever.

Ending sessions (`sessions_end_all`, `sessions_end`) deletes them from the session store, so a
browser holding the cookie is signed out at its next request. Every session of a user is found
through allauth's user sessions (the middleware tracks every signed-in request) and, for the
database session engines, by reading the session table itself, so that a session never tracked
is ended too.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from urllib.parse import urlencode, urlsplit

from allauth.core import context as allauth_context
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.contrib.messages.storage import default_storage
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core import context as audit_context
from alliance.core.client import client_address
from alliance.core.errors import error_body, is_api
from alliance.core.models import AuditAction

from .access import can_administer

SIGNED_IN_AT = "alliance_signed_in_at"
BACKGROUND_HEADER = "X-Alliance-Background"
USER_AGENT_LENGTH = UserSession._meta.get_field("user_agent").max_length

# Why a session ended (details["reason"] of its LOGOUT event).
IDLE = "idle"
ABSOLUTE = "absolute"
NO_SIGN_IN_TIME = "no_sign_in_time"


def idle_timeout() -> int:
    return int(getattr(settings, "SESSION_IDLE_TIMEOUT", 15 * 60))


def absolute_timeout() -> int:
    return int(getattr(settings, "SESSION_ABSOLUTE_TIMEOUT", 10 * 3600))


@receiver(user_logged_in, dispatch_uid="alliance.accounts.sessions.stamp_sign_in")
def _stamp_sign_in(sender, request, user, **kwargs):
    # login() has already given the session a new key (Django cycles it at every sign-in).
    if request is not None and hasattr(request, "session"):
        now = timezone.now()
        request.session[SIGNED_IN_AT] = int(now.timestamp())
        # The session's tracking row from the start, whichever way the user signed in (allauth
        # makes it for its own sign-in only), so that no first request pays for making it.
        if not request.session.session_key:
            request.session.save()
        UserSession.objects.get_or_create(session_key=request.session.session_key, defaults={
            "user": user, "ip": client_address(request) or "0.0.0.0",  # noqa: S104 - unknown
            "user_agent": request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH],
            "created_at": now, "last_seen_at": now})


def expired_limit(session, now: int) -> str:
    """Which limit kept in the session itself this signed-in session has passed: none ("")
    or the absolute one. (The idle limit is kept with the session's tracking row: `_touch`.)"""
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int):
        return NO_SIGN_IN_TIME
    if now - signed_in_at >= absolute_timeout():
        return ABSOLUTE
    return ""


# session key -> (when this process last moved the session's last activity, from which address
# and browser). A request within SESSION_TOUCH_SECONDS (a minute) of that, from the same address
# and browser, needs no UPDATE: the session was not idle a moment ago (the idle limit is minutes),
# and the last activity is kept to the minute. Per process, so a second app server or worker
# touches once more; bounded by clearing it when it grows past TOUCHED_MAX sessions.
TOUCHED_MAX = 10_000
_touched: dict[str, tuple[datetime, str, str]] = {}


def _touch(request, user, now: datetime, *, background: bool) -> str:
    """Check the idle limit and, for a request of the user's, record it as their last activity.
    At most one query: an UPDATE of the session's row that matches only while the session is not
    idle, and none when this process did so within the last minute. Returns IDLE when the
    session is idle, "" otherwise."""
    key = request.session.session_key
    agent = request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH]
    address = client_address(request)
    last = _touched.get(key)
    every = timedelta(seconds=getattr(settings, "SESSION_TOUCH_SECONDS", 60))
    if last is not None and timedelta(0) <= now - last[0] < every and (
            background or last[1:] == (address, agent)):
        return ""
    rows = UserSession.objects.filter(session_key=key, user_id=user.pk)
    fresh = rows.filter(last_seen_at__gt=now - timedelta(seconds=idle_timeout()))
    if background:
        if fresh.exists():
            return ""
    else:
        seen = {"last_seen_at": now, "user_agent": agent}
        if address:
            seen["ip"] = address
        if fresh.update(**seen):
            if len(_touched) >= TOUCHED_MAX:
                _touched.clear()
            _touched[key] = (now, address, agent)
            return ""
    if rows.exists():
        return IDLE
    # Not tracked yet (the first request after a sign-in that allauth did not see): the
    # sign-in time stands for the last activity.
    if int(now.timestamp()) - request.session[SIGNED_IN_AT] >= idle_timeout():
        return IDLE
    if not background:
        UserSession.objects.get_or_create(session_key=request.session.session_key, defaults={
            "user": user, "ip": client_address(request) or "0.0.0.0",  # noqa: S104 - unknown
            "user_agent": request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH],
            "created_at": now, "last_seen_at": now})
    return ""


def _duration(seconds: int) -> str:
    """"15 minutes", "10 hours", in the active language (plain spaces: it goes into JSON too)."""
    now = timezone.now()
    return timesince(now - timedelta(seconds=seconds), now).replace("\xa0", " ")


def signed_out_message(limit: str) -> str:
    """What the user reads on the sign-in page after a limit ended their session."""
    if limit == IDLE:
        duration = _duration(idle_timeout())
        return _("You were signed out after %(duration)s without activity. Sign in again to "
                 "continue.") % {"duration": duration}
    if limit == ABSOLUTE:
        duration = _duration(absolute_timeout())
        return _("You were signed out because a session lasts at most %(duration)s. Sign in "
                 "again to continue.") % {"duration": duration}
    return _("Your session has ended. Sign in again to continue.")


class SessionLimitsMiddleware:
    """Ends a signed-in session that passed its idle or absolute limit, and keeps the time of
    the user's last request. See the module's docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = timezone.now()
            limit = expired_limit(session, int(now.timestamp())) or _touch(
                request, user, now, background=request.headers.get(BACKGROUND_HEADER) == "1")
            if limit:
                return self._signed_out(request, user, limit)
        return self.get_response(request)

    def _signed_out(self, request, user, limit: str):
        # The audit context middleware comes later in the chain: give the event its address.
        token = audit_context.activate(audit_context.RequestContext(
            ip_address=client_address(request)))
        try:
            session_expired(user=user, session_key=request.session.session_key, limit=limit)
        finally:
            audit_context.deactivate(token)
        request.session.flush()
        request.user = AnonymousUser()
        message = signed_out_message(limit)
        if is_api(request):
            response = JsonResponse(error_body(message, "session_expired"), status=401)
            response["WWW-Authenticate"] = "Token"
            return response
        if request.headers.get("HX-Request"):
            # htmx asked for a fragment: send the whole page to the sign-in page, back to the
            # page the user was on.
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            back = current.path + (f"?{current.query}" if current.query else "") or "/"
            response = HttpResponse(status=401)
            response["HX-Redirect"] = _login_url(back)
        else:
            response = HttpResponseRedirect(_login_url(request.get_full_path()))
        # The messages middleware comes later and does not run for this answer: store the
        # message for the sign-in page ourselves.
        storage = default_storage(request)
        storage.add(messages.WARNING, message)
        storage.update(response)
        return response


def _login_url(next_path: str) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_path})}"


# --- the user's sessions ------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionRow:
    """One signed-in session of a user, as their account page shows it (never its key)."""

    id: str
    started: datetime
    last_seen: datetime
    address: str
    device: str
    is_current: bool


def session_id(session_key: str) -> str:
    """The public name of a session (on pages and in forms): a keyed hash of its key, which
    itself is a credential and never leaves the cookie."""
    return salted_hmac("alliance.accounts.sessions", session_key).hexdigest()[:20]


def sessions_of(user, *, current_key: str | None) -> list[SessionRow]:
    """The user's signed-in sessions (ended ones are purged first), newest first."""
    rows = [SessionRow(id=session_id(s.session_key), started=s.created_at,
                       last_seen=s.last_seen_at, address=s.ip, device=s.user_agent,
                       is_current=s.session_key == current_key)
            for s in UserSession.objects.purge_and_list(user)]
    return sorted(rows, key=lambda r: r.started, reverse=True)


def _store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _session_keys_of(user) -> set[str]:
    keys = set(UserSession.objects.filter(user_id=user.pk).values_list("session_key", flat=True))
    store_class = _store_class()
    if hasattr(store_class, "get_model_class"):  # the database engines: read the table too
        store = store_class()
        rows = store_class.get_model_class().objects.filter(expire_date__gt=timezone.now())
        for key, data in rows.values_list("session_key", "session_data").iterator():
            if store.decode(data).get(SESSION_KEY) == str(user.pk):
                keys.add(key)
    return keys


def _end(keys) -> None:
    store_class = _store_class()
    for key in keys:
        store_class().delete(key)
    UserSession.objects.filter(session_key__in=list(keys)).delete()


def _require_owner_or_administrator(actor, user) -> None:
    if actor is None:  # the server itself: a command, or a service that checked already
        return
    if actor.pk != user.pk and not can_administer(actor):
        raise PermissionDenied(_("Only the account's owner or a system administrator can end "
                                 "its sessions."))


@transaction.atomic
def sessions_end_all(*, actor, user, reason: str, keep: str | None = None) -> int:
    """End every session of `user` (but `keep`, a session key), wherever it was opened, and
    record it. Used when the account or its roles change (accounts/services.py) and by the
    owner ("sign out everywhere else"). Returns how many sessions ended."""
    _require_owner_or_administrator(actor, user)
    keys = _session_keys_of(user) - {keep}
    _end(keys)
    audit.record(actor=actor, action=AuditAction.LOGOUT, obj=user,
                 details={"user": user.get_username(), "reason": reason,
                          "sessions_ended": len(keys)})
    return len(keys)


@transaction.atomic
def sessions_end(*, actor, user, session_ids, reason: str = "ended_by_owner") -> int:
    """End some of `user`'s sessions, named by `session_id` as the account page lists them.
    Names that are not this user's sessions are ignored. Returns how many ended."""
    _require_owner_or_administrator(actor, user)
    wanted = set(session_ids)
    chosen = [s for s in UserSession.objects.filter(user_id=user.pk)
              if session_id(s.session_key) in wanted]
    return _end_recorded(actor=actor, user=user, chosen=chosen, reason=reason)


def _end_recorded(*, actor, user, chosen, reason: str) -> int:
    _end([s.session_key for s in chosen])
    if chosen:
        audit.record(actor=actor, action=AuditAction.LOGOUT, obj=user, details={
            "user": user.get_username(), "reason": reason, "sessions_ended": len(chosen),
            "addresses": sorted({s.ip for s in chosen})})
    return len(chosen)


@transaction.atomic
def session_expired(*, user, session_key: str | None, limit: str) -> None:
    """Record that `user`'s session passed a limit (the caller signs it out)."""
    UserSession.objects.filter(session_key=session_key or "").delete()
    audit.record(actor=user, action=AuditAction.LOGOUT, obj=user,
                 details={"reason": "expired", "limit": limit})


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """allauth's "sign out other sessions" page ends them through `sessions_end`, audited."""

    def end_sessions(self, sessions) -> None:
        request = allauth_context.request
        actor = request.user if request is not None and request.user.is_authenticated else None
        by_user = {}
        for session in sessions:
            by_user.setdefault(session.user, []).append(session)
        for user, chosen in by_user.items():
            _require_owner_or_administrator(actor, user)
            with transaction.atomic():
                _end_recorded(actor=actor, user=user, chosen=chosen, reason="ended_by_owner")

"""The signed-in user's own account page: who they are, where they are signed in, and their API
tokens. Everything here is the user's own; nothing of anyone else can be named."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import sessions, tokens
from .access import profile_for


def me(request):
    user = request.user
    return render(request, "accounts/me.html", {
        "profile": profile_for(user),
        "memberships": user.memberships.filter(is_active=True).select_related("agency"),
        "sessions": sessions.sessions_of(user, current_key=request.session.session_key),
        "tokens": tokens.tokens_of(user),
        "idle_minutes": sessions.idle_timeout() // 60,
        "absolute_hours": sessions.absolute_timeout() // 3600,
        "token_hours": tokens.ttl_hours(),
    })


@require_POST
@reauthentication_required
def token_create(request):
    key = tokens.token_create(actor=request.user, user=request.user)
    return render(request, "accounts/token_created.html", {"key": key,
                                                           "token_hours": tokens.ttl_hours()})


@require_POST
def token_revoke(request, token_id):
    tokens.token_revoke(actor=request.user, user=request.user, token=token_id)
    messages.success(request, _("The token was revoked: it can no longer be used."))
    return redirect("accounts:me")


@require_POST
def session_end(request, session_id):
    if session_id == sessions.session_id(request.session.session_key or ""):
        # This browser's own session ends with "Sign out".
        raise Http404(_("No such session."))
    if not sessions.sessions_end(actor=request.user, user=request.user,
                                 session_ids=[session_id]):
        raise Http404(_("No such session."))
    messages.success(request, _("That session was signed out."))
    return redirect("accounts:me")


@require_POST
def sessions_end_others(request):
    ended = sessions.sessions_end_all(actor=request.user, user=request.user,
                                      reason="ended_by_owner", keep=request.session.session_key)
    messages.success(request, _("Every other session was signed out (%(n)d).") % {"n": ended})
    return redirect("accounts:me")

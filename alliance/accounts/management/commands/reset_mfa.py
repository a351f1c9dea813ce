"""Remove a user's second factors (authenticator app, security keys, recovery codes), so that they
set one up again at their next sign-in: for a user who lost their phone and their recovery codes.

Run on the server, by whoever holds it (recorded without an actor), or on behalf of an
administrator with `--by`, whose rights are checked as in the admin (nobody resets their own).
Audited either way, by accounts.services.second_factor_reset."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from alliance.accounts import services
from alliance.accounts.models import User


class Command(BaseCommand):
    help = ("Remove a user's two-factor authentication (authenticator app, security keys, recovery "
            "codes): they set it up again at their next sign-in. Audited.")

    def add_arguments(self, parser):
        parser.add_argument("username", help="Whose second factors to remove.")
        parser.add_argument("--by", metavar="ADMIN_USERNAME",
                            help="The system administrator on whose behalf this is done.")

    def handle(self, *args, username, by=None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        actor = None
        if by:
            actor = User.objects.filter(username=by, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user called {by!r}.")
        try:
            removed = services.second_factor_reset(actor=actor, user=user)
        except (PermissionDenied, ValidationError) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from exc
        if not removed:
            self.stdout.write(f"{username} had no second factor; nothing was removed (recorded "
                              "in the audit trail all the same).")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Removed {removed} second factor(s) of {username}: they set up two-factor "
            "authentication again at their next sign-in. Recorded in the audit trail."))

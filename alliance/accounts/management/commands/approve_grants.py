"""Grants waiting for approval, from the server's shell: for an installation with a single
administrator, where the operator (who holds the server, and so the database) is the second
pair of eyes. Every decision is audited like one made in the admin."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from alliance.accounts import services
from alliance.accounts.models import Membership


class Command(BaseCommand):
    help = "List the memberships waiting for approval, or approve or reject one by its id."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--approve", metavar="UUID")
        group.add_argument("--reject", metavar="UUID")

    def handle(self, *args, approve=None, reject=None, **options):
        if not (approve or reject):
            waiting = Membership.objects.filter(requested__isnull=False).select_related(
                "user", "agency", "requested_by")
            for m in waiting:
                self.stdout.write(f"{m.uuid}  {m.user.username} @ {m.agency.name}: "
                                  f"{', '.join(m.requested['roles'])} "
                                  f"(asked by {m.requested_by}, {m.requested_at:%Y-%m-%d %H:%M})")
            self.stdout.write(f"{len(waiting)} waiting")
            return
        membership = Membership.objects.filter(uuid=approve or reject).first()
        if membership is None:
            raise CommandError("No such membership.")
        try:
            services.membership_approve(actor=None, membership=membership, approve=bool(approve))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS("Approved." if approve else "Rejected."))

from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken

from alliance.accounts.models import User
from alliance.core import audit
from alliance.core.models import AuditAction


class Command(BaseCommand):
    help = ("Print a new API token for a user (use it as 'Authorization: Token <key>'). "
            "Only a hash is stored: the key cannot be shown again.")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}.")
        instance, key = AuthToken.objects.create(user=user)
        audit.record(actor=None, action=AuditAction.CREATE, object_type="knox.authtoken",
                     object_uuid=instance.token_key,
                     details={"for_user": user.username, "expiry": str(instance.expiry)})
        self.stdout.write(key)

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from alliance.accounts import tokens
from alliance.accounts.models import User


class Command(BaseCommand):
    help = ("Print a new API token for a user (use it as 'Authorization: Token <key>'). It "
            "expires after API_TOKEN_TTL_HOURS. Only a hash is stored: the key cannot be shown "
            "again. Users can also make their own on their account page (/me/).")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}.")
        key = tokens.token_create(actor=None, user=user, via="issue_api_token")
        self.stderr.write(f"Expires in {settings.API_TOKEN_TTL_HOURS} hours.")
        self.stdout.write(key)

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """Print a new Fernet key.

    Like every management command, this one runs only once the settings load, and production
    settings refuse to load without FIELD_ENCRYPTION_KEYS: so it serves a running installation
    (rotation) or development. The very first production key comes from plain Python, with no
    settings at all (docs/deployment.md):
        python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
    """

    help = "Print a new key for FIELD_ENCRYPTION_KEYS (put it first to rotate, keep the old ones)."
    # Printing a random key needs neither the database nor a clean bill of health.
    requires_system_checks = []

    def handle(self, *args, **options):
        self.stdout.write(Fernet.generate_key().decode())

import base64
import secrets

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    """Print a new Fernet key.

    Like every management command, this one runs only once the settings load, and production
    settings refuse to load without FIELD_ENCRYPTION_KEYS: so it serves a running installation
    (rotation) or development. The very first production key comes from plain Python, with no
    settings at all (docs/deployment.md):
        python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
    """

    help = ("Print a new key for FIELD_ENCRYPTION_KEYS (put it first to rotate, keep the old "
            "ones), or with --audit-chain one for AUDIT_CHAIN_KEYS.")
    # Printing a random key needs neither the database nor a clean bill of health.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--audit-chain", action="store_true",
            help="print an entry for AUDIT_CHAIN_KEYS instead (id:base64key; prepend it to rotate)")

    def handle(self, *args, **options):
        if options["audit_chain"]:
            # The id only has to be unique in the keyring; the date tells an operator its age.
            key_id = f"{timezone.now():%Y%m%d}-{secrets.token_hex(3)}"
            self.stdout.write(f"{key_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}")
            return
        self.stdout.write(Fernet.generate_key().decode())

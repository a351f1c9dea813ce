"""Start-up checks: the encryption keys must be well-formed and must read this database."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from . import crypto
from .models import EncryptionCanary


def verify_encryption_keys() -> None:
    """Raise ImproperlyConfigured unless the keys can decrypt this database's canary.

    On a new database the canary is written with the current primary key.
    """
    crypto.check_keys()
    try:
        canary = EncryptionCanary.objects.order_by("id").first()
        if canary is None:
            EncryptionCanary.objects.create(value=EncryptionCanary.CLEARTEXT)
            return
    except crypto.DecryptionError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS cannot decrypt the data in this database: the key it was "
            "written with is missing. Restore the right key (older keys stay in the list after "
            "a rotation). See docs/deployment.md."
        ) from None
    except DatabaseError:
        return  # not migrated yet: nothing encrypted to read
    if canary.value != EncryptionCanary.CLEARTEXT:
        raise ImproperlyConfigured("The encryption canary decrypted to an unexpected value.")


@checks.register()
def encryption_keys_check(app_configs, **kwargs):
    try:
        verify_encryption_keys()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="alliance.E001")]
    return []

"""Encryption of identifying fields and keyed hashes for exact-match search.

Keys come from settings.FIELD_ENCRYPTION_KEYS (newest first), never from SECRET_KEY, so that
a leaked session secret does not expose identities and keys can be rotated on their own.
"""

import base64
import hashlib
import hmac
import re
import unicodedata
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key.

    The message never contains the ciphertext: an error page or a log line must not become a
    side channel for identifying data.
    """


@cache
def _keys() -> tuple[bytes, ...]:
    keys = []
    for position, key in enumerate(settings.FIELD_ENCRYPTION_KEYS, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS entry {position} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes). Generate one with "
                "`python manage.py generate_encryption_key`."
            ) from None
        keys.append(key.encode() if isinstance(key, str) else key)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return tuple(keys)


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in _keys()])


@cache
def _index_key() -> bytes:
    # Derived from the primary key, so rotating keys also rotates the search index
    # (rotate_encryption_keys rebuilds it).
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"alliance blind index v1"
    ).derive(base64.urlsafe_b64decode(_keys()[0]))


def reset_key_cache(**kwargs) -> None:
    for fn in (_keys, _fernet, _index_key):
        fn.cache_clear()


setting_changed.connect(reset_key_cache)


def check_keys() -> None:
    """Raise ImproperlyConfigured now if the configured keys are malformed."""
    _fernet()


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        raise DecryptionError(
            "An encrypted field could not be decrypted with FIELD_ENCRYPTION_KEYS. "
            "Check that the key it was written with is still configured."
        ) from None


def reencrypt(token: str) -> str:
    """Re-encrypt a stored token with the primary key (after a key rotation)."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise DecryptionError("A stored value could not be decrypted for rotation.") from None


# Files (knowledge-base attachments) are encrypted with the same keys as the text fields, so one
# rotation (rotate_encryption_keys) covers both. A token is Fernet's url-safe base64 text, as
# bytes: about 4/3 of the plaintext's size.

def encrypt_bytes(data: bytes) -> bytes:
    return _fernet().encrypt(bytes(data))


def decrypt_bytes(token: bytes | memoryview) -> bytes:
    try:
        return _fernet().decrypt(bytes(token))
    except (InvalidToken, ValueError, TypeError):
        raise DecryptionError(
            "An encrypted file could not be decrypted with FIELD_ENCRYPTION_KEYS. "
            "Check that the key it was written with is still configured."
        ) from None


def reencrypt_bytes(token: bytes | memoryview) -> bytes:
    """Re-encrypt a stored file token with the primary key (after a key rotation)."""
    try:
        return _fernet().rotate(bytes(token))
    except (InvalidToken, ValueError, TypeError):
        raise DecryptionError("A stored file could not be decrypted for rotation.") from None


# Serbian and Macedonian Cyrillic to the Latin spelling people type, so that "Петровић",
# "Petrović" and "Petrovic" find the same person.
_CYRILLIC = dict(
    zip(
        "абвгдђежзијклљмнњопрстћуфхцчџшѓѕќ",
        ["a", "b", "v", "g", "d", "dj", "e", "z", "z", "i", "j", "k", "l", "lj", "m", "n", "nj",
         "o", "p", "r", "s", "t", "c", "u", "f", "h", "c", "c", "dz", "s", "gj", "dz", "kj"],
        strict=True,
    )
)
_LATIN_SPECIAL = {"đ": "dj", "ǆ": "dz", "ǉ": "lj", "ǌ": "nj", "ß": "ss"}


def normalise_identifier(value: str) -> str:
    """Fold case, script, diacritics, spacing and punctuation for exact-match comparison."""
    text = value.casefold()
    text = "".join(_CYRILLIC.get(ch, _LATIN_SPECIAL.get(ch, ch)) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w]+", " ", text).strip()
    return re.sub(r"\s+", " ", text)


def blind_index(value: str) -> str:
    """Keyed hash of a normalised identifier: searchable, but useless without the key."""
    return blind_index_normalised(normalise_identifier(value))


def blind_index_normalised(normalised: str) -> str:
    """blind_index of a value already normalised by normalise_identifier (for callers that
    hash thousands of word runs and normalise each word once)."""
    return hmac.new(_index_key(), normalised.encode("utf-8"), hashlib.sha256).hexdigest()

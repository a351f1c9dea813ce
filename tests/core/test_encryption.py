import base64
import datetime
import io
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from alliance.core import crypto
from alliance.core.checks import verify_encryption_keys
from alliance.people.models import CustodyEpisode, Person
from alliance.people.selectors import CaseloadFilters, caseload_queryset

pytestmark = pytest.mark.django_db

IDENTIFYING = ["given_name", "family_name", "aliases", "date_of_birth", "national_id"]


def _raw(table, columns, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


def test_the_database_holds_no_plaintext_identifiers(world):
    raw = _raw("people_person", IDENTIFYING, world.person_a.pk)
    for value, plaintext in zip(raw, ["Arben", "Krasniqi", "Beni", "1990-05-17",
                                      "1705990450011"], strict=True):
        assert plaintext not in value
        assert value.startswith("gAAAA")  # a Fernet token
    offences = _raw("people_custodyepisode", ["offences"], world.episode_a.pk)[0]
    assert "Fictional offence" not in offences


def test_python_code_reads_plaintext(world):
    person = Person.objects.get(pk=world.person_a.pk)
    assert (person.given_name, person.date_of_birth) == ("Arben", datetime.date(1990, 5, 17))


def test_it_refuses_lookups_on_encrypted_columns(world):
    with pytest.raises(FieldError):
        list(Person.objects.filter(family_name="Krasniqi"))


def test_a_decryption_failure_raises_and_never_returns_ciphertext(world, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError) as excinfo:
        Person.objects.get(pk=world.person_a.pk)
    assert "gAAAA" not in str(excinfo.value)


def test_a_wrong_key_fails_the_start_up_check(world, settings):
    verify_encryption_keys()  # writes the canary with the right key
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="cannot decrypt"):
        verify_encryption_keys()


def test_a_malformed_key_fails_loudly(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="not a valid Fernet key"):
        crypto.check_keys()


def test_rotation_reencrypts_with_the_new_key_and_keeps_search_working(world, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone now
    person = Person.objects.get(pk=world.person_a.pk)
    assert person.family_name == "Krasniqi"
    assert CustodyEpisode.objects.get(pk=world.episode_a.pk).offences == "Fictional offence"
    found = caseload_queryset(world.treatment_a, CaseloadFilters(q="Arben Krasniqi"))
    assert [p.pk for p in found] == [world.person_a.pk]


def test_production_refuses_demo_keys_and_debug():
    script = "import alliance.settings"
    env = {"ALLIANCE_ENV": "production", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr
    assert "FIELD_ENCRYPTION_KEYS is missing" in result.stderr
    env.update(DEBUG="1", SECRET_KEY="x" * 50, FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode())
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, check=False)
    assert "DEBUG is on" in result.stderr
    env.update(DEBUG="0")
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode != 0 and "AUDIT_CHAIN_KEYS" in result.stderr
    env.update(AUDIT_CHAIN_KEYS="k1:" + base64.b64encode(b"k" * 32).decode())
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("a, b", [("Петровић", "petrovic"), ("Đorđević", "djordjevic"),
                                  ("Ђорђевић", "DJORDJEVIC"), ("Çela  Ëndri", "cela endri"),
                                  ("Ѓорѓиевски", "gjorgjievski")])
def test_identifiers_match_across_scripts_case_and_diacritics(a, b):
    assert crypto.normalise_identifier(a) == crypto.normalise_identifier(b)


# --- files (bytes): knowledge-base attachments ----------------------------------------------

def test_bytes_round_trip_and_the_token_holds_no_plaintext():
    data = b"%PDF-1.7 \x00\xff binary " * 10
    token = crypto.encrypt_bytes(data)
    assert token.startswith(b"gAAAA")
    assert b"PDF" not in token
    assert crypto.decrypt_bytes(token) == data
    assert crypto.decrypt_bytes(memoryview(token)) == data  # as PostgreSQL returns a bytea


def test_a_byte_decryption_failure_raises_without_the_token(settings):
    token = crypto.encrypt_bytes(b"secret file")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError) as excinfo:
        crypto.decrypt_bytes(token)
    assert "gAAAA" not in str(excinfo.value)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(b"not a token")


def test_reencrypted_bytes_decrypt_once_the_old_key_is_gone(settings):
    token = crypto.encrypt_bytes(b"secret file")
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    rotated = crypto.reencrypt_bytes(token)
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert crypto.decrypt_bytes(rotated) == b"secret file"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(token)

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from alliance.core import audit, crypto
from alliance.core.fields import EncryptedTextField
from alliance.core.models import AuditAction
from alliance.core.signals import keys_rotated

# Binary columns holding core.crypto.encrypt_bytes tokens ("app_label.Model.field"), named
# rather than imported: core sits below the apps that keep files.
ENCRYPTED_FILES = ["knowledge.AttachmentData.ciphertext"]


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS and "
            "rebuild the keyed search hashes. Run after putting a new key first; afterwards the "
            "old keys can be removed.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--file-batch-size", type=int, default=20,
                            help="Files re-encrypted per transaction (each up to the upload "
                                 "limit, so keep it small).")

    def handle(self, *args, batch_size, file_batch_size, **options):
        totals = {}
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            totals[model._meta.label] = self._rotate_model(model, fields, batch_size)
        for path in ENCRYPTED_FILES:
            label, field_name = path.rsplit(".", 1)
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            totals[f"{model._meta.label}.{field_name}"] = self._rotate_files(
                model, model._meta.get_field(field_name), max(1, file_batch_size))
        with transaction.atomic():
            # Apps that keep keyed hashes of encrypted values rebuild them (people's search).
            keys_rotated.send(sender=self.__class__, batch_size=batch_size)
            audit.record(actor=None, action=AuditAction.MAINTENANCE,
                         object_type="core.encryption", details={"rotated": totals})
        for label, count in totals.items():
            self.stdout.write(f"{label}: {count} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS("Rotation complete; search index rebuilt."))

    def _rotate_model(self, model, fields, batch_size) -> int:
        """Works on the raw column values so nothing is decrypted into Python objects."""
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        columns = [connection.ops.quote_name(f.column) for f in fields]
        count = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {', '.join(columns)} FROM {table}")  # noqa: S608
            rows = cursor.fetchall()
            for row in rows:
                values = [crypto.reencrypt(v) if v is not None else None for v in row[1:]]
                assignments = ", ".join(f"{c} = %s" for c in columns)
                cursor.execute(f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                               [*values, row[0]])
                count += 1
        return count

    def _rotate_files(self, model, field, batch_size) -> int:
        """Re-encrypts a binary column a few rows per transaction, in key order, so that memory
        stays bounded however many files there are. Safe to interrupt and run again: a row
        already rotated is simply rotated again (the old keys still decrypt until removed)."""
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        column = connection.ops.quote_name(field.column)
        count, last = 0, None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                after = "" if last is None else f"WHERE {pk} > %s "
                cursor.execute(
                    f"SELECT {pk}, {column} FROM {table} {after}"  # noqa: S608
                    f"ORDER BY {pk} LIMIT %s", ([] if last is None else [last]) + [batch_size])
                rows = cursor.fetchall()
                for key, token in rows:
                    if token is not None:
                        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                                       [crypto.reencrypt_bytes(token), key])
                        count += 1
            if len(rows) < batch_size:
                return count
            last = rows[-1][0]

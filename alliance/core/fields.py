"""Model fields whose values are encrypted at rest (see crypto.py).

The database column holds a Fernet token; Python code sees plaintext. Lookups other than
`isnull` are refused, because comparing ciphertexts is meaningless: search goes through
keyed hashes (crypto.blind_index) instead.
"""

import datetime

from django import forms
from django.core.exceptions import FieldError
from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt(self.to_plaintext(value))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.from_plaintext(crypto.decrypt(value))

    def to_plaintext(self, value) -> str:
        return str(value)

    def from_plaintext(self, text: str):
        return text

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.name} is encrypted: search it through its keyed hash, not '{lookup_name}'."
            )
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput if self.max_length else forms.Textarea)
        return super().formfield(**kwargs)


class EncryptedDateField(EncryptedTextField):
    description = "Date encrypted at rest"

    def to_plaintext(self, value) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else str(value)

    def from_plaintext(self, text: str):
        return datetime.date.fromisoformat(text)

    def to_python(self, value):
        if value in (None, "") or isinstance(value, datetime.date):
            return value or None
        return datetime.date.fromisoformat(value)

    def formfield(self, **kwargs):
        defaults = {"form_class": forms.DateField, "widget": forms.DateInput(attrs={"type": "date"})}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (dict or list) encrypted as a whole: for structured sensitive notes."""

    description = "JSON encrypted at rest"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def to_plaintext(self, value) -> str:
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def from_plaintext(self, text: str):
        import json

        return json.loads(text)

    def to_python(self, value):
        return value

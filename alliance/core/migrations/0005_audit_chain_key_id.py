"""Each audit event names the key of AUDIT_CHAIN_KEYS that sealed it ("" = legacy, plain SHA-256).

Adding a NOT NULL column with a default: PostgreSQL does it in the catalogue (no row is updated,
so the append-only triggers of 0002 do not fire). SQLite cannot, so Django rebuilds the table
(copy, drop, rename), and the triggers go with the dropped table: they are put back right after
the rebuild, in both directions. Existing events keep key id "" and their plain SHA-256 hashes.
"""

import importlib

from django.db import migrations, models

_append_only = importlib.import_module("alliance.core.migrations.0002_audit_append_only")


def sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in _append_only.SQLITE_FORWARD:
            schema_editor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_database_cache"),
    ]

    operations = [
        # Reversed, the field's removal rebuilds the table again: this puts the triggers back.
        migrations.RunPython(migrations.RunPython.noop, sqlite_triggers, elidable=False),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.RunPython(sqlite_triggers, migrations.RunPython.noop, elidable=False),
    ]

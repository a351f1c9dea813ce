"""The audit trail becomes several independent chains (stripes), so that writers stop queuing on
one lock (core/audit.py).

Existing events stay as they are: stripe 0, position NULL, their hashes unchanged; they are
stripe 0's history, and the first event appended after this migration chains onto the newest of
them. PostgreSQL adds the columns in the catalogue (no row is updated, the append-only triggers
of 0002 do not fire). SQLite rebuilds the table for the columns and the unique constraint, and
its triggers go with the dropped table: they are put back after the rebuild, in both directions
(as in 0005).
"""

import importlib

from django.db import migrations, models

_key_id = importlib.import_module("alliance.core.migrations.0005_audit_chain_key_id")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0005_audit_chain_key_id"),
    ]

    operations = [
        # Reversed, the removals rebuild the table again: this puts the triggers back.
        migrations.RunPython(migrations.RunPython.noop, _key_id.sqlite_triggers, elidable=False),
        migrations.AddField(
            model_name="auditevent",
            name="position",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="stripe",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["stripe", "id"], name="core_audit_stripe_id"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("stripe", "position"),
                                               name="core_audit_one_event_per_position"),
        ),
        migrations.RunPython(_key_id.sqlite_triggers, migrations.RunPython.noop, elidable=False),
    ]

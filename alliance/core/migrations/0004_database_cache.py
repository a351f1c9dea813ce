"""The database cache table (CACHES in settings), so that `migrate` alone prepares every
installation: the sign-in rate limits keep their counts there, shared by all server processes.

`createcachetable` skips a table that already exists, so running it again (or by hand) is safe.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_audit_actions_lockout_error"),
    ]

    operations = [
        # Reversing leaves the table: dropping it would only forget short-lived counters.
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]

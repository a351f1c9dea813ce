"""The regional escalation indicators (defaults.py), loaded once; later changes are the
administrators' (in the admin, audited)."""

from django.db import migrations


def load(apps, schema_editor):
    from alliance.observations.defaults import INDICATORS

    Indicator = apps.get_model("observations", "Indicator")
    for order, (code, name, names) in enumerate(INDICATORS, start=1):
        Indicator.objects.get_or_create(jurisdiction=None, code=code, defaults={
            "name": name, "names": names, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("observations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

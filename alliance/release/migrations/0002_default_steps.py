"""The regional pre-release programme (defaults.py), loaded once; later changes are the
administrators' (in the admin, audited)."""

from django.db import migrations


def load(apps, schema_editor):
    from alliance.release.defaults import STEPS

    StepTemplate = apps.get_model("release", "StepTemplate")
    for order, step in enumerate(STEPS, start=1):
        months, days = step["lead"]
        StepTemplate.objects.get_or_create(jurisdiction=None, code=step["code"], defaults={
            "name": step["name"], "names": step["names"], "lead_months": months,
            "lead_days": days, "agency_type": step["agency_type"],
            "evidence_required": step["evidence_required"],
            "blocks_readiness": step["blocks_readiness"], "checklist": step["checklist"],
            "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("release", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""The caseload's sort key on the person row (Person.expected_release_on), filled for existing
people from their current custody episode in one UPDATE."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_expected_release_on(apps, schema_editor):
    # The same rule as services.expected_release_keys_refresh, on the historical models (a
    # migration cannot import the services of today).
    Person = apps.get_model("people", "Person")
    CustodyEpisode = apps.get_model("people", "CustodyEpisode")
    current = CustodyEpisode.objects.filter(person=OuterRef("pk"), is_current=True)
    Person.objects.update(expected_release_on=Subquery(current.values("expected_release")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0003_sharing_agreements"),
        ("people", "0004_restriction"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="expected_release_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="expected release"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["expected_release_on", "reference"], name="person_release_order"),
        ),
        # Reversed by dropping the column, which the field's removal does.
        migrations.RunPython(fill_expected_release_on, migrations.RunPython.noop),
    ]

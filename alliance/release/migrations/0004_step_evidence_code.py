"""A step a case conference completed keeps a code and parameters, not a sentence.

The conference service used to write "Case conference held on 26.11.2026 (<uuid>)." in the
language of whoever recorded the minutes. Whatever the language, the sentence ends with the
conference's identifier: a step whose evidence does, for a conference of the same person that
was held, gets the code and the conference's own date; any other evidence stays as written."""

import re

from django.db import migrations, models

ENDS_WITH_CONFERENCE = re.compile(
    r"\((?P<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)\.?\s*$")


def sentences_to_codes(apps, schema_editor):
    ReleaseStep = apps.get_model("release", "ReleaseStep")
    Conference = apps.get_model("coordination", "CaseConference")
    # The evidence is encrypted at rest: it is read row by row, not filtered in SQL.
    for step in ReleaseStep.objects.filter(status="done", evidence_code="").iterator():
        match = ENDS_WITH_CONFERENCE.search(step.evidence or "")
        if match is None:
            continue
        conference = Conference.objects.filter(uuid=match["uuid"], person_id=step.person_id,
                                               held_on__isnull=False).first()
        if conference is None:
            continue
        step.evidence, step.evidence_code = "", "conference_held"
        step.evidence_params = {"held_on": conference.held_on.isoformat(),
                                "conference": match["uuid"]}
        step.save(update_fields=["evidence", "evidence_code", "evidence_params"])


def codes_to_sentences(apps, schema_editor):
    ReleaseStep = apps.get_model("release", "ReleaseStep")
    for step in ReleaseStep.objects.filter(evidence_code="conference_held").iterator():
        params = step.evidence_params or {}
        step.evidence = "Case conference held on {} ({}).".format(
            params.get("held_on", ""), params.get("conference", ""))
        step.evidence_code = ""
        step.save(update_fields=["evidence", "evidence_code"])


class Migration(migrations.Migration):

    dependencies = [
        ('release', '0003_labels'),
        ('coordination', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='releasestep',
            name='evidence_code',
            field=models.CharField(blank=True, choices=[('conference_held', 'Case conference held')], max_length=30),
        ),
        migrations.AddField(
            model_name='releasestep',
            name='evidence_params',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(sentences_to_codes, codes_to_sentences),
    ]

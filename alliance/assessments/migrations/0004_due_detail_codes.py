"""Due reasons' details as codes with parameters (nothing stored in a language), and the
instrument licence's words from its code.

Escalated observations used to store a sentence in the writer's language, such as
"Observation of 26.11.2026 with escalation indicators: violent_rhetoric". Those written in
English are turned into the code and its parameters; anything else stays as written and is
shown as it is (labels.due_detail_text)."""

import datetime
import re

from django.db import migrations, models

OBSERVATION = re.compile(r"^Observation of (?P<date>.+?) with escalation indicators: (?P<codes>.*)$")
# The short date formats a writer's language gave the sentence (alliance/formats, Django's).
DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%Y.", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y")


def _parse_date(text: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def sentences_to_codes(apps, schema_editor):
    AssessmentDue = apps.get_model("assessments", "AssessmentDue")
    for due in AssessmentDue.objects.filter(detail__startswith="Observation of ").iterator():
        match = OBSERVATION.match(due.detail)
        observed_on = _parse_date(match["date"]) if match else None
        if observed_on is None:
            continue
        codes = [c.strip() for c in match["codes"].split(",") if c.strip()]
        due.detail = "observation_escalated"
        due.detail_params = {"observed_on": observed_on.isoformat(), "indicators": codes}
        due.save(update_fields=["detail", "detail_params"])


def codes_to_sentences(apps, schema_editor):
    AssessmentDue = apps.get_model("assessments", "AssessmentDue")
    for due in AssessmentDue.objects.filter(detail="observation_escalated").iterator():
        params = due.detail_params or {}
        observed_on = datetime.date.fromisoformat(params["observed_on"])
        due.detail = "Observation of {} with escalation indicators: {}".format(
            observed_on.strftime("%d.%m.%Y"), ", ".join(params.get("indicators") or []))[:300]
        due.save(update_fields=["detail"])


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0003_format_2"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessmentdue",
            name="detail_params",
            field=models.JSONField(blank=True, default=dict,
                                   verbose_name="parameters of the detail"),
        ),
        migrations.RunPython(sentences_to_codes, codes_to_sentences),
        # The licence's words come from its code, in the reader's language.
        migrations.AlterField(
            model_name="instrumentversion",
            name="licence",
            field=models.CharField(choices=[("open reference", "open reference"),
                                            ("licensed", "licensed")],
                                   max_length=20, verbose_name="licence"),
        ),
    ]

"""The audit page as a data protection officer reads it: object types by their names, details as
labelled values (never a Python dictionary), dates in the reader's format and times in local
time, all in the reader's language. The stored event is unchanged (it is hash-chained)."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from alliance.core import audit
from alliance.core.models import AuditAction, AuditEvent
from alliance.site.audit_display import detail_rows, object_label

from ..conftest import login

pytestmark = pytest.mark.django_db

UUID = "6f1c2a3b-1111-4222-8333-944455556666"


def _page(world, language="sq", **query):
    client = login(world.dpo)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("audit"), query).content.decode()


def _row(html, event):
    return html.split(f"<td>{event.pk}</td>", 1)[1].split("</tr>", 1)[0]


def test_details_are_labelled_values_not_a_dictionary(world):
    event = audit.record(
        actor=world.manager_a,
        action=AuditAction.CHANGE,
        obj=world.person_a,
        details={
            "due_on": "2026-11-26",
            "compartment": "treatment",
            "page": 1,
            "target": f"people.person:{UUID}",
        },
    )
    row = _row(_page(world, person_reference=world.person_a.reference), event)
    assert "{" not in row and "'due_on'" not in row
    with translation.override("sq"):
        assert gettext("Treatment") in row  # the compartment's name, not its code
        assert capfirst(gettext("person")) in row  # the object type
    assert "26.11.2026" in row and "2026-11-26" not in row.split("title=")[0]
    assert f'title="people.person:{UUID}"' in row and "6f1c2a3b…" in row


def test_the_time_is_local_time_and_says_which(world, settings):
    settings.TIME_ZONE = "Europe/Belgrade"
    event = audit.record(actor=world.manager_a, action=AuditAction.VIEW, obj=world.person_a)
    row = _row(_page(world, person_reference=world.person_a.reference), event)
    local = event.occurred_at.astimezone(zoneinfo.ZoneInfo("Europe/Belgrade"))
    assert f">{local.strftime('%d.%m.%Y %H:%M:%S')}</time>" in row
    utc = event.occurred_at.astimezone(datetime.UTC).strftime("%H:%M:%S")
    assert f"{utc}</time>" not in row  # the UTC stays in the machine-readable attribute
    assert "Europe/Belgrade" in _page(world)


def test_the_stored_event_keeps_its_codes(world):
    event = audit.record(
        actor=world.manager_a,
        action=AuditAction.CHANGE,
        obj=world.person_a,
        details={"compartment": "treatment"},
    )
    _page(world)
    assert AuditEvent.objects.get(pk=event.pk).details == {"compartment": "treatment"}


def test_object_types_use_the_models_names_in_the_readers_language():
    with translation.override("sq"):
        assert object_label("people.person") == capfirst(gettext("person"))
        assert object_label("assessments.screening") == capfirst(gettext("screening"))
        assert object_label("assessments.screening") != "assessments.screening"
    assert object_label("gone.model") == "gone.model"  # a type no model names any more


def test_a_model_field_key_takes_the_fields_label_and_its_choices():
    event = AuditEvent(
        object_type="work.task",
        details={
            "status": "open",
            "fields": ["due_on"],
            "role": "prison_manager",
            "unknown_key": "x_y",
            "changed": True,
            "on": "2026-03-05T10:00:00+00:00",
        },
    )
    with translation.override("en"):
        rows = {r["label"]: r for r in detail_rows(event)}
    assert rows["Status"]["text"] == "Open"
    assert rows["Fields changed"]["text"] == "Due on"
    assert rows["Role"]["text"] == "Prison manager"
    assert rows["unknown key"]["text"] == "x_y" and rows["unknown key"]["code"]
    assert rows["Changed"]["text"] == "yes"
    # a moment is shown in local time, in the language's format
    with translation.override("en"):
        assert rows["On"]["text"] == formats.date_format(
            datetime.datetime(2026, 3, 5, 10, tzinfo=datetime.UTC)
            .astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
            .replace(tzinfo=None),
            "SHORT_DATETIME_FORMAT",
        )


def test_a_long_list_shows_its_first_items_and_a_count():
    event = AuditEvent(object_type="", details={"references": [f"J1-{n:06d}" for n in range(25)]})
    (row,) = detail_rows(event)
    assert row["text"].startswith("J1-000000, J1-000001") and row["text"].endswith("… (+15)")
    assert "J1-000010" not in row["text"]

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from alliance.core import audit
from alliance.core.models import AuditEvent

from ..conftest import login

pytestmark = pytest.mark.django_db


def _verify_command():
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out)
        return 0, out.getvalue()
    except SystemExit as exc:  # pragma: no cover - CommandError exits via SystemExit in CLI only
        return exc.code, out.getvalue()
    except Exception as exc:  # CommandError when called in-process
        return getattr(exc, "returncode", 1), str(exc)


class _Tampering:
    """Lets a test do what an attacker with database access would: drop the triggers."""

    def __enter__(self):
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                c.execute("SET LOCAL session_replication_role = replica")
            else:
                c.execute("DROP TRIGGER core_auditevent_no_update")
                c.execute("DROP TRIGGER core_auditevent_no_delete")
        return connection.cursor()

    def __exit__(self, *exc):
        return False


@pytest.fixture
def trail(world):
    """The world's events plus a morning's consultations: a trail worth tampering with."""
    client = login(world.treatment_a)
    for _ in range(4):
        client.get(reverse("people:detail", args=[world.person_a.uuid]))
    client.get(reverse("people:caseload"))
    return world


def test_it_chains_every_event_to_the_previous_one(trail):
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) > 5
    assert events[0].prev_hash == audit.GENESIS
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
        assert event.hash == audit.compute_hash(event)


def test_it_verifies_an_intact_chain(trail):
    code, output = _verify_command()
    assert code == 0
    assert f"OK: {AuditEvent.objects.count()} events" in output
    assert audit.head_hash() in output


def test_it_detects_an_altered_event(trail):
    victim = AuditEvent.objects.order_by("id")[3]
    with _Tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_username = 'someone-else' WHERE id = %s",
                       [victim.pk])
    code, output = _verify_command()
    assert code == 1
    assert f"#{victim.pk}" in output
    assert "altered" in output


def test_it_detects_a_deleted_event(trail):
    events = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    with _Tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[2]])
    code, output = _verify_command()
    assert code == 1
    assert f"#{events[3]}" in output
    assert "deleted or inserted" in output


def test_it_detects_an_inserted_event(trail):
    first, second = AuditEvent.objects.order_by("id")[:2]
    forged = audit.build(actor=None, action="view", details={"forged": True})
    forged.prev_hash = first.hash
    forged.hash = audit.compute_hash(forged)
    with _Tampering():
        forged.save(force_insert=True)
    result = audit.verify()
    assert not result.ok
    assert result.bad_event_id is not None
    # The forged row sits at the end (highest id) and links to event 1, not to the head.
    assert result.bad_event_id == forged.pk


def test_the_database_refuses_updates_and_deletes_of_audit_rows(world):
    event = AuditEvent.objects.order_by("id").first()
    for sql in ("UPDATE core_auditevent SET purpose = 'x' WHERE id = %s",
                "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), \
                transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, purpose="").exists()


def test_it_records_who_when_what_and_outcome_of_a_refused_view(world):
    login(world.treatment_b).get(reverse("people:detail", args=[world.person_a.uuid]))
    event = AuditEvent.objects.latest("id")
    assert (event.actor, event.action, event.outcome) == (world.treatment_b, "view", "denied")
    assert event.object_uuid == str(world.person_a.uuid)
    # Linked for the DPO of the person's jurisdiction; the refused user only ever reads a 404.
    assert event.person == world.person_a


def test_it_records_the_stated_purpose(world):
    login(world.treatment_a).get(reverse("people:detail", args=[world.person_a.uuid]),
                                 {"purpose": "Preparing the case conference"})
    assert AuditEvent.objects.latest("id").purpose == "Preparing the case conference"


def test_a_dpo_searches_and_exports_the_trail_and_the_export_is_audited(world):
    client = login(world.dpo)
    page = client.get(reverse("audit"), {"person_reference": world.person_a.reference})
    assert page.status_code == 200
    assert world.person_a.reference in page.content.decode()
    export = client.get(reverse("audit_export"), {"person_reference": world.person_a.reference})
    body = b"".join(export.streaming_content).decode()
    assert body.startswith("id,occurred_at,actor_username")
    assert world.person_a.reference in body
    assert AuditEvent.objects.latest("id").action == "export"


def test_a_dpo_finds_who_searched_for_a_name_without_the_name_being_stored(world):
    login(world.treatment_a).get(reverse("people:caseload"), {"q": "Arben Krasniqi"})
    page = login(world.dpo).get(reverse("audit"), {"search_term": "arben krasniqi",
                                                   "action": "search"})
    assert "treatment_a" in page.content.decode()


def test_a_dpo_verifies_the_trail_from_the_page(world):
    response = login(world.dpo).post(reverse("audit_verify"))
    assert "The chain is intact" in response.content.decode()


def test_a_dpo_of_another_jurisdiction_sees_none_of_these_events(world):
    from alliance.accounts.models import Role

    from ..factories import member

    other_dpo = member(world.prison_other, Role.DATA_PROTECTION_OFFICER)
    page = login(other_dpo).get(reverse("audit"), {"person_reference": world.person_a.reference})
    assert world.person_a.reference not in page.content.decode().split("<tbody>")[1]

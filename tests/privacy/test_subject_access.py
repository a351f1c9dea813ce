import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import translation

from alliance.core import purpose
from alliance.core.models import AuditAction, AuditEvent
from alliance.people.models import Disclosure, DisclosureChannel
from alliance.privacy import export, services

from ..conftest import login
from ..observations import builders as security
from .helpers import dpo_of_j2

pytestmark = pytest.mark.django_db

RECEIVED = datetime.date(2026, 11, 2)


def _choices(**kwargs):
    return export.Choices(request_reference="SAR-2026-17", request_received=RECEIVED, **kwargs)


def _section(data, code):
    return next(s for s in data["sections"] if s["code"] == code)


def _records(data, code, label):
    return [r for r in _section(data, code)["records"] if r["type"] == label]


def test_it_exports_identity_decrypted_custody_and_case(world):
    w = world
    data = services.subject_access_export(actor=w.dpo, person=w.person_a, choices=_choices())
    identity = _records(data, "identity", "people.person")[0]["fields"]
    assert identity["given_name"] == w.person_a.given_name
    assert identity["family_name"] == w.person_a.family_name
    assert identity["reference"] == w.person_a.reference
    episode = _records(data, "custody", "people.custodyepisode")[0]["fields"]
    assert episode["offences"] == "Fictional offence"
    assert episode["sentence_start"] == "2024-01-10"
    assert episode["facility"] == "Prison A"  # named, as the data subject reads it
    assert _records(data, "case", "cases.case")
    assert data["request"] == {"reference": "SAR-2026-17", "received_on": "2026-11-02"}


def test_it_marks_raw_security_material_withheld_instead_of_dropping_it(world):
    w = world
    observation = security.observe(w, w.security_a, verbatim="Planted verbatim words",
                                   opinion="Planted opinion")
    data = services.subject_access_export(actor=w.dpo, person=w.person_a, choices=_choices())
    text = json.dumps(data)
    assert "Planted verbatim words" not in text and "Planted opinion" not in text
    fields = _records(data, "observations", "observations.observation")[0]["fields"]
    assert fields["uuid"] == str(observation.uuid)
    assert fields["verbatim"] == {"withheld": export.Ground.SECURITY_INTELLIGENCE}
    assert fields["source_reliability"] == {"withheld": export.Ground.SECURITY_INTELLIGENCE}
    assert fields["recorded_by"] == {"withheld": export.Ground.THIRD_PARTIES}
    assert fields["category"]  # what kind of observation, and when, is given
    assert export.Ground.SECURITY_INTELLIGENCE in data["grounds"]


def test_it_marks_a_section_the_dpo_withholds_with_its_ground_and_count(world):
    w = world
    data = services.subject_access_export(
        actor=w.dpo, person=w.person_a,
        choices=_choices(withhold={"case": export.Ground.INVESTIGATION},
                         note="Inquiry 12/2026"))
    case = _section(data, "case")
    assert case["withheld"] == {"ground": "investigation", "note": "Inquiry 12/2026"}
    assert case["count"] >= 1 and case["records"] == []
    assert "investigation" in data["grounds"]


def test_it_lists_the_consultations_of_the_record_with_agency_and_purpose(world):
    w = world
    login(w.manager_a).get(f"/people/{w.person_a.uuid}/?purpose=case+review")
    data = services.subject_access_export(actor=w.dpo, person=w.person_a, choices=_choices())
    rows = data["consultations"]["records"]
    seen = [r for r in rows if r["action"] == "view" and r["agency"] == "Prison A"]
    assert seen and seen[-1]["purpose"] == "case review"
    assert seen[-1]["staff_member"] == {"withheld": export.Ground.THIRD_PARTIES}
    assert "manager_a" not in json.dumps(rows)


def test_it_is_refused_to_a_dpo_of_another_jurisdiction_and_to_practitioners(world):
    w = world
    for actor in (dpo_of_j2(w), w.manager_a, w.admin):
        with pytest.raises(PermissionDenied):
            services.subject_access_export(actor=actor, person=w.person_a, choices=_choices())
    assert not Disclosure.objects.filter(channel=DisclosureChannel.SUBJECT_ACCESS).exists()


def test_it_is_logged_as_a_disclosure_to_the_data_subject(world):
    w = world
    services.subject_access_export(actor=w.dpo, person=w.person_a, choices=_choices(
        withhold={"release": export.Ground.PUBLIC_SECURITY}, note="x"))
    event = AuditEvent.objects.get(action=AuditAction.DISCLOSE, person=w.person_a)
    assert event.actor == w.dpo
    assert event.details["recipient"] == "data_subject"
    assert event.details["request_reference"] == "SAR-2026-17"
    assert event.details["request_received"] == "2026-11-02"
    assert event.details["withheld"] == {"release": "public_security"}
    disclosure = Disclosure.objects.get(person=w.person_a,
                                        channel=DisclosureChannel.SUBJECT_ACCESS)
    assert disclosure.audit_event == event
    # Stored as a code with the request's reference; shown in the reader's language.
    assert disclosure.purpose == event.purpose == "subject_access: SAR-2026-17"
    assert "identity" in disclosure.categories and "release" not in disclosure.categories


def test_the_page_finds_a_person_by_reference_and_previews_what_is_withheld(world):
    w = world
    security.observe(w, w.security_a)
    client = login(w.dpo)
    found = client.get("/privacy/subject-access/", {"reference": w.person_a.reference.lower()})
    assert found.status_code == 302 and str(w.person_a.uuid) in found["Location"]
    page = client.get(found["Location"])
    assert page.status_code == 200
    assert b"security_intelligence" in page.content
    assert w.person_a.given_name.encode() not in page.content  # a preview: counts only


def test_the_page_refuses_practitioners_and_hides_people_of_other_jurisdictions(world):
    w = world
    assert login(w.manager_a).get("/privacy/subject-access/").status_code == 403
    assert login(dpo_of_j2(w)).get(f"/privacy/people/{w.person_a.uuid}/").status_code == 404
    missing = login(dpo_of_j2(w)).get("/privacy/subject-access/",
                                      {"reference": w.person_a.reference})
    assert missing.status_code == 200 and b"reference-error" in missing.content


def _download(client, w, **extra):
    return client.post(f"/privacy/people/{w.person_a.uuid}/export/", {
        "request_reference": "SAR-9", "request_received": "2026-11-20", "format": "json",
        **extra})


def test_the_download_gives_the_json_and_logs_the_disclosure(world):
    w = world
    response = _download(login(w.dpo), w, withhold_observations="security_intelligence",
                         note="Ongoing assessment")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person"]["reference"] == w.person_a.reference
    assert next(s for s in data["sections"] if s["code"] == "observations")["withheld"]
    assert Disclosure.objects.filter(person=w.person_a, channel="subject_access").count() == 1


def test_the_download_needs_a_ground_explained_and_a_recent_password(world):
    w = world
    no_note = _download(login(w.dpo), w, withhold_case="investigation")
    assert no_note.status_code == 400
    stale = _download(login(w.dpo, reauthenticated=False), w)
    assert stale.status_code == 302 and "reauthenticate" in stale["Location"]
    assert not Disclosure.objects.filter(channel="subject_access").exists()


def test_the_download_is_refused_to_a_dpo_of_another_jurisdiction(world):
    w = world
    assert _download(login(dpo_of_j2(w)), w).status_code == 404
    assert _download(login(w.manager_a), w).status_code == 403


def test_the_download_gives_a_readable_pdf(world):
    pytest.importorskip("weasyprint")
    w = world
    response = _download(login(w.dpo), w, format="pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_command_writes_the_export_and_logs_it(world, tmp_path):
    w = world
    out = tmp_path / "export.json"
    call_command("subject_access_export", w.person_a.reference, "--out", str(out),
                 "--dpo", "dpo", "--request", "SAR-C1", "--received", "2026-11-21")
    data = json.loads(out.read_text())
    assert data["request"]["reference"] == "SAR-C1"
    assert _records(data, "identity", "people.person")[0]["fields"]["given_name"] == \
        w.person_a.given_name
    assert AuditEvent.objects.filter(action=AuditAction.DISCLOSE,
                                     details__request_reference="SAR-C1").exists()


def test_the_command_refuses_a_user_who_is_not_the_persons_dpo(world, tmp_path):
    from django.core.management.base import CommandError

    w = world
    with pytest.raises(CommandError):
        call_command("subject_access_export", w.person_a.reference, "--out",
                     str(tmp_path / "x.json"), "--dpo", "manager_a", "--request", "R",
                     "--received", "2026-11-21")
    assert not (tmp_path / "x.json").exists()


def test_the_purpose_of_the_answer_reads_in_the_readers_language(world):
    w = world
    services.subject_access_export(actor=w.dpo, person=w.person_a, choices=_choices())
    with translation.override("sr-latn"):
        assert purpose.label("subject_access: SAR-2026-17") == (
            "Odgovor na zahtev za pristup podacima SAR-2026-17")
    with translation.override("en"):
        assert purpose.label("legal_claim") == (
            "Establishing, exercising or defending a legal claim")
        assert purpose.label("review") == "Reviewing and analysing observations"
        assert purpose.label("other: Court order 12/26") == "Court order 12/26"
        assert purpose.label("Nightly sync") == "Nightly sync"  # an integration's own words
    client = login(w.dpo)
    client.post("/i18n/setlang/", {"language": "mk"})
    page = client.get("/audit/", {"action": "disclose"}).content.decode()
    assert "Одговор на барањето за пристап до личните податоци SAR-2026-17" in page
    assert "subject_access:" not in page

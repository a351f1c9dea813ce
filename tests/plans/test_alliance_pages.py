"""The working-alliance pages: the measure is taken through the instrument engine's alliance
instrument, in the reader's language; its pages and trends are the treatment compartment's."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from alliance.accounts.models import Membership
from alliance.cases import services as case_services
from alliance.plans.models import AllianceMeasure

from ..conftest import login
from . import builders

pytestmark = pytest.mark.django_db

ITEMS = ("G1", "G2", "G3", "T1", "T2", "T3", "B1", "B2", "B3")


def _answers(w, **ratings):
    data = {"practitioner": str(w.treatment_a.uuid), "enrolment": str(w.enrolment.uuid),
            "occasion": "scheduled", "taken_on": datetime.date.today().isoformat(),
            "note": "Said the sessions help."}
    data.update({f"item_{code}": "often" for code in ITEMS})
    data.update({f"item_{code}": value for code, value in ratings.items()})
    return data


def test_a_treatment_officer_records_a_measure_and_reads_its_subscales(enrolled):
    w = enrolled
    client = login(w.treatment_a)
    url = reverse("plans:alliance_record", args=[w.person_a.uuid])
    form = client.get(url).content.decode()
    assert "We work on things that matter to me." in form and "Sometimes" in form
    response = client.post(url, _answers(w, B3="always", G1="unknown"))
    measure = AllianceMeasure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:alliance_measure", args=[measure.uuid])
    assert measure.ratings["G1"] == "unknown" and measure.scores["bond"] == pytest.approx(4.33)
    page = client.get(response["Location"]).content.decode()
    assert "Agreement on goals" in page and "4.33" in page and "advisory" in page
    assert "Always" in page and "No answer" in page and "Said the sessions help." in page


def test_the_items_are_shown_in_the_readers_language(enrolled):
    client = login(enrolled.treatment_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sq"
    page = client.get(reverse("plans:alliance_record",
                              args=[enrolled.person_a.uuid])).content.decode()
    assert "Ne punojmë për gjëra që kanë rëndësi për mua." in page and "Shpesh" in page


def test_an_out_of_scale_rating_is_refused_and_the_form_kept(enrolled):
    w = enrolled
    response = login(w.treatment_a).post(
        reverse("plans:alliance_record", args=[w.person_a.uuid]),
        _answers(w, G1="very_often"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This answer is not on the item&#x27;s scale." in html
    assert "Said the sessions help." in html
    assert 'value="often" class="form-check-input" id="id_item_T1_3" required checked' in html
    assert not AllianceMeasure.objects.exists()


@pytest.mark.parametrize("persona, status", [
    ("security_a", 403), ("manager_a", 403), ("ngo_worker", 403), ("treatment_b", 404)])
def test_the_alliance_pages_refuse_those_without_the_treatment_compartment(
        enrolled, persona, status):
    w = enrolled
    builders.alliance_measure(w)
    if persona == "ngo_worker":
        case_services.team_member_add(actor=w.manager_a, case=w.case_a, team_role="Mentor",
                                      scopes=[],
                                      membership=Membership.objects.get(user=w.ngo_worker))
    client = login(getattr(w, persona))
    record = reverse("plans:alliance_record", args=[w.person_a.uuid])
    assert client.get(record).status_code == status
    assert client.post(record, _answers(w)).status_code == status
    # A measure is not there at all for them, as it is absent from their lists.
    assert client.get(reverse("plans:alliance_measure", args=[w.measure.uuid])).status_code == 404
    person_page = client.get(reverse("people:detail", args=[w.person_a.uuid]))
    assert 'id="alliance-h"' not in person_page.content.decode()
    assert AllianceMeasure.objects.count() == 1


def test_the_trend_per_practitioner_is_a_chart_for_treatment_staff_only(enrolled):
    w = enrolled
    builders.alliance_measure(w)
    page = login(w.treatment_a).get(reverse("plans:alliance_trends"))
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Working alliance of" in html
    person = login(w.treatment_a).get(reverse("people:detail", args=[w.person_a.uuid]))
    section = person.content.decode().split('id="alliance-h"', 1)[1]
    assert "<svg" in section and "Record a measure" in section
    assert login(w.security_a).get(reverse("plans:alliance_trends")).status_code == 403
    assert login(w.manager_a).get(reverse("plans:alliance_trends")).status_code == 403

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.accounts.models import Membership
from alliance.cases import services
from alliance.cases.models import Case, CaseTeamMember

from ..conftest import login

pytestmark = pytest.mark.django_db


def _membership(user):
    return Membership.objects.get(user=user)


def test_a_probation_officer_sees_the_person_only_once_on_the_team(world):
    client = login(world.probation_officer)
    url = reverse("people:detail", args=[world.person_a.uuid])
    assert client.get(url).status_code == 404
    services.team_member_add(actor=world.manager_a, case=world.case_a,
                             membership=_membership(world.probation_officer),
                             team_role="Probation officer after release", scopes=["identity"])
    page = client.get(url)
    assert page.status_code == 200
    assert "Arben Krasniqi" in page.content.decode()
    assert world.person_a.reference in client.get(reverse("people:caseload")).content.decode()


def test_a_team_member_without_the_identity_scope_sees_only_the_reference(world):
    services.team_member_add(actor=world.manager_a, case=world.case_a,
                             membership=_membership(world.ngo_worker), team_role="Mentor",
                             scopes=[])
    client = login(world.ngo_worker)
    detail = client.get(reverse("people:detail", args=[world.person_a.uuid])).content.decode()
    assert world.person_a.reference in detail
    assert "Krasniqi" not in detail
    assert "Fictional offence" not in detail
    caseload = client.get(reverse("people:caseload")).content.decode()
    assert world.person_a.reference in caseload and "Krasniqi" not in caseload
    api = client.get(reverse("api:person-detail", args=[world.person_a.uuid])).json()
    assert api["identity"] is None


def test_removing_a_member_takes_their_access_away_at_once(world):
    member = services.team_member_add(actor=world.manager_a, case=world.case_a,
                                      membership=_membership(world.ngo_worker), team_role="Mentor",
                                      scopes=[])
    client = login(world.ngo_worker)
    url = reverse("people:detail", args=[world.person_a.uuid])
    assert client.get(url).status_code == 200
    response = login(world.manager_a).post(reverse("cases:team_end",
                                                   args=[world.case_a.uuid, member.uuid]))
    assert response.status_code == 302
    assert client.get(url).status_code == 404
    assert CaseTeamMember.objects.get(pk=member.pk).ended_by == world.manager_a


def test_security_material_is_shared_only_with_security_staff(world):
    with pytest.raises(ValidationError) as excinfo:
        services.team_member_add(actor=world.manager_a, case=world.case_a,
                                 membership=_membership(world.ngo_worker), team_role="Mentor",
                                 scopes=["security"])
    assert "scopes" in excinfo.value.message_dict


def test_staff_of_another_jurisdiction_cannot_join(world):
    with pytest.raises(ValidationError):
        services.team_member_add(actor=world.manager_a, case=world.case_a,
                                 membership=_membership(world.manager_other), team_role="x",
                                 scopes=[])


def test_a_regional_coordinator_is_never_offered_as_a_member(world):
    offered = {m.user for m in services.eligible_memberships(world.person_a)}
    assert world.probation_officer in offered
    assert world.regional_coordinator not in offered and world.dpo not in offered


def test_one_open_case_per_person(world):
    with pytest.raises(ValidationError):
        services.case_open(actor=world.manager_a, person=world.person_a)
    assert Case.objects.filter(person=world.person_a).count() == 1


def test_the_management_level_keeps_its_history_with_reasons(world):
    client = login(world.manager_a)
    response = client.post(reverse("cases:level", args=[world.case_a.uuid]), {
        "level": "senior_multi_agency", "reason": "Escalation after incident",
        "review_due": "2099-01-01", "version": world.case_a.version})
    assert response.status_code == 302
    case = Case.objects.get(pk=world.case_a.pk)
    assert case.management_level == "senior_multi_agency"
    assert [h.level for h in case.level_history.all()] == ["senior_multi_agency", "single_agency"]
    page = client.get(reverse("people:detail", args=[world.person_a.uuid])).content.decode()
    assert "Escalation after incident" in page
    assert "Management level set to Senior multi-agency" in page


def test_a_stale_management_level_decision_is_refused_with_409(world):
    client = login(world.manager_a)
    data = {"level": "multi_agency", "reason": "First", "version": world.case_a.version}
    assert client.post(reverse("cases:level", args=[world.case_a.uuid]), data).status_code == 302
    data["reason"] = "Second, from an old page"
    response = client.post(reverse("cases:level", args=[world.case_a.uuid]), data)
    assert response.status_code == 409
    assert Case.objects.get(pk=world.case_a.pk).level_history.count() == 2


def test_closing_a_case_is_final(world):
    services.case_close(actor=world.manager_a, case=world.case_a, reason="Released, no follow-up",
                        expected_version=world.case_a.version)
    case = Case.objects.get(pk=world.case_a.pk)
    with pytest.raises(ValidationError):
        services.case_close(actor=world.manager_a, case=case, reason="again",
                            expected_version=case.version)


def test_a_member_whose_agency_has_no_agreement_is_refused_with_the_reason(world):
    """They would see nothing through the gate: the case manager is told so, and why."""
    from ..factories import AgencyFactory, member

    outside = AgencyFactory(jurisdiction=world.j1, name="Municipality J1", type="municipality")
    worker = member(outside, "community_provider", username="municipal")
    response = login(world.manager_a).post(
        reverse("cases:team_add", args=[world.case_a.uuid]),
        {"membership": _membership(worker).pk, "team_role": "Social worker"})
    assert response.status_code == 200  # the form again, with the reason on it
    text = response.content.decode()
    assert "No information-sharing agreement in force lets Municipality J1" in text
    assert not CaseTeamMember.objects.filter(case=world.case_a, user=worker).exists()


def test_a_scope_the_agreement_does_not_cover_is_refused(world):
    party = world.agreement.parties.get(agency=world.ngo)
    party.categories = ["case_team", "plan_progress"]
    party.save()
    with pytest.raises(ValidationError, match="does not cover"):
        services.team_member_add(actor=world.manager_a, case=world.case_a,
                                 membership=_membership(world.ngo_worker), team_role="Mentor",
                                 scopes=["identity"])
    added = services.team_member_add(actor=world.manager_a, case=world.case_a,
                                     membership=_membership(world.ngo_worker),
                                     team_role="Mentor", scopes=[])
    assert added.user == world.ngo_worker

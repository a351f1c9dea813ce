"""Every URL pattern × every persona. A new URL without a row here fails the suite.

Statuses: 200 ok, 302 redirect (anonymous to sign-in, or a successful POST), 401 (API without
credentials), 403 visible but not allowed, 404 not visible (indistinguishable from not existing).
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from alliance.accounts.models import Membership
from alliance.cases import services as case_services

from .accounts import matrix_account
from .assessments import matrix_api as assessments_matrix_api
from .assessments.matrix_api import factor, profile_draft
from .conftest import login
from .coordination.agreements import matrix_pages as agreements_matrix_pages
from .coordination.conferences import matrix_pages as conference_matrix_pages
from .coordination.referrals import matrix as referral_matrix
from .knowledge.entries import matrix as entry_matrix
from .knowledge.meetings import matrix as meeting_matrix
from .knowledge.methodology import matrix as methodology_matrix
from .knowledge.recommendations import matrix as recommendation_matrix
from .knowledge.training import matrix as training_matrix
from .matrix import PERSONAS, Row, only
from .monitoring import matrix_api as monitoring_matrix_api
from .monitoring import matrix_pages as monitoring_matrix_pages
from .observations import matrix_api as observations_matrix_api
from .observations import matrix_pages as observations_matrix_pages
from .plans import matrix_api, matrix_engagement, matrix_plan
from .privacy import matrix_privacy
from .release import matrix_api as release_matrix_api
from .release import matrix_pages as release_matrix_pages
from .retention import matrix_retention

pytestmark = pytest.mark.django_db

def person(w):
    return w.person_a.uuid


def risk_needs(w):
    """The reference risk and needs instrument, loaded once per test."""
    from alliance.assessments.instruments import REFERENCE_DIR
    from alliance.assessments.services import instrument_load

    if not hasattr(w, "risk_needs"):
        path = REFERENCE_DIR / "risk-needs-v1.yaml"
        w.risk_needs, _created = instrument_load(actor=None, text=path.read_text(),
                                                 filename=path.name)
    return w.risk_needs


def draft(w):
    """A draft risk and needs assessment of person A led by treatment A, started once per test."""
    from alliance.assessments.services import assessment_start

    if not hasattr(w, "draft"):
        w.draft = assessment_start(actor=w.treatment_a, person=w.person_a,
                                   instrument_version=risk_needs(w))
    return w.draft


def submitted(w):
    """A complete assessment of person A, submitted by a certified treatment A (once per test)."""
    import datetime

    from alliance.assessments import services
    from alliance.assessments.models import Certification

    from .conftest import complete_ratings

    if not hasattr(w, "submitted"):
        today = datetime.date.today()
        Certification.objects.create(user=w.treatment_a, instrument_code="alliance-risk-needs",
                                     certified_on=today, expires_on=today)
        a = services.assessment_start(actor=w.treatment_a, person=w.person_a,
                                      instrument_version=risk_needs(w))
        complete_ratings(a, w.treatment_a)
        a = services.assessment_update(actor=w.treatment_a, assessment=a, expected_version=None,
                                       sources=[{"kind": "file", "description": "File"}],
                                       overall_judgement="low", judgement_rationale="r")
        w.submitted = services.assessment_submit(actor=w.treatment_a, assessment=a,
                                                 expected_version=None)
    return w.submitted


def countersigned(w):
    """The submitted assessment of person A, countersigned by manager A (once per test)."""
    from alliance.assessments import services

    if not hasattr(w, "countersigned"):
        w.countersigned = services.assessment_countersign(
            actor=w.manager_a, assessment=submitted(w), expected_version=None)
    return w.countersigned


def screening(w):
    """A screening of person A by treatment A (once per test)."""
    from alliance.assessments import services
    from alliance.assessments.instruments import REFERENCE_DIR

    if not hasattr(w, "screening"):
        path = REFERENCE_DIR / "screening-v1.yaml"
        version, _created = services.instrument_load(actor=None, text=path.read_text(),
                                                     filename=path.name)
        definition = version.parsed
        w.screening = services.screening_create(
            actor=w.treatment_a, person=w.person_a, instrument_version=version, occasion="intake",
            ratings={i.code: "absent" for i in definition.items}, evidence={},
            bias_answers={q.code: {"answer": "no"} for q in definition.bias_check.questions},
            outcome="no_concern", rationale="Nothing observed")
    return w.screening


# In these tests the NGO worker is on person A's case team (case-team scope only).
# Readers of person A: the prison A staff and the team member. Everyone else gets 404.
READ_A = only({"treatment_a": 200, "security_a": 200, "manager_a": 200, "ngo_worker": 200}, 404)
# Record keepers of person A: manager A. Others who see A may not change it.
KEEP_A = only({"treatment_a": 403, "security_a": 403, "manager_a": 200, "ngo_worker": 403}, 404)
CASEWORKERS = {"treatment_a": 200, "security_a": 200, "manager_a": 200, "treatment_b": 200,
               "probation_officer": 200, "ngo_worker": 200, "manager_other": 200}
DPO_ONLY = only({"dpo": 200}, 403)
# Treatment work on person A: treatment A; others who see A are refused; the rest get 404.
TREATMENT_A = only({"treatment_a": 200, "security_a": 403, "manager_a": 403, "ngo_worker": 403},
                   404)
TREATMENT_A_POSTS = {**TREATMENT_A, "treatment_a": 302}
# A draft (or a screening) exists only for the treatment compartment: to everyone else it is
# not there at all (404), exactly as it is absent from their lists (the policy's one rule).
DRAFT_A = only({"treatment_a": 200}, 404)
DRAFT_A_POSTS = only({"treatment_a": 302}, 404)
# A submitted assessment: its assessor reads it but may not countersign; the manager reviews it.
MANAGER_A_POSTS = only({"treatment_a": 403, "manager_a": 302}, 404)

MATRIX = {
    "home": Row(lambda w: reverse("home"), only({"*": 302}, 302)),
    "healthz": Row(lambda w: reverse("healthz"), {"*": 200}),
    "robots": Row(lambda w: reverse("robots"), {"*": 200}),
    "overview": Row(lambda w: reverse("overview"), only(
        {"regional_coordinator": 200, "manager_a": 200, "manager_other": 200}, 403)),
    "audit": Row(lambda w: reverse("audit"), DPO_ONLY),
    "audit_export": Row(lambda w: reverse("audit_export"), DPO_ONLY),
    "audit_verify": Row(lambda w: reverse("audit_verify"), DPO_ONLY),
    "people:caseload": Row(lambda w: reverse("people:caseload"), only(CASEWORKERS, 403)),
    "people:create": Row(lambda w: reverse("people:create"), only(
        {"manager_a": 200, "manager_other": 200, "probation_officer": 200}, 403)),
    "people:detail": Row(lambda w: reverse("people:detail", args=[person(w)]), READ_A),
    "people:edit": Row(lambda w: reverse("people:edit", args=[person(w)]), KEEP_A),
    "people:classify": Row(lambda w: reverse("people:classify", args=[person(w)]), KEEP_A),
    "people:custody_create": Row(lambda w: reverse("people:custody_create", args=[person(w)]),
                                 KEEP_A),
    "people:custody_edit": Row(lambda w: reverse("people:custody_edit",
                                                 args=[w.episode_a.uuid]), KEEP_A),
    "people:key_date_override": Row(lambda w: reverse(
        "people:key_date_override", args=[w.episode_a.uuid, "expected_release"]), KEEP_A),
    "cases:open": Row(lambda w: reverse("cases:open", args=[person(w)]),
                      only({"treatment_a": 403, "security_a": 403, "manager_a": 302,
                            "ngo_worker": 403}, 404),
                      method="post"),
    "cases:close": Row(lambda w: reverse("cases:close", args=[w.case_a.uuid]), KEEP_A),
    "cases:team_add": Row(lambda w: reverse("cases:team_add", args=[w.case_a.uuid]), KEEP_A),
    "cases:team_end": Row(lambda w: reverse("cases:team_end", args=[
        w.case_a.uuid, w.member_a.uuid]), KEEP_A),
    "cases:manager": Row(lambda w: reverse("cases:manager", args=[w.case_a.uuid]), KEEP_A),
    "cases:level": Row(lambda w: reverse("cases:level", args=[w.case_a.uuid]), KEEP_A),
    "api:person-list": Row(lambda w: reverse("api:person-list"), only(CASEWORKERS, 403, 401)),
    "api:person-detail": Row(lambda w: reverse("api:person-detail", args=[person(w)]),
                             {**READ_A, "anonymous": 401}),
    "api:case-list": Row(lambda w: reverse("api:case-list"), only(CASEWORKERS, 403, 401)),
    "api:case-detail": Row(lambda w: reverse("api:case-detail", args=[w.case_a.uuid]),
                           {**READ_A, "anonymous": 401}),
    "api-schema": Row(lambda w: reverse("api-schema"), only({"*": 200}, 200, 401)),
    "api-docs": Row(lambda w: reverse("api-docs"), only({"*": 200}, 200)),  # a page: sign-in
    "set_language": Row(lambda w: reverse("set_language"), {"*": 302}, method="post",
                        data={"language": "sq", "next": "/"}),
    "admin:index": Row(lambda w: reverse("admin:index"), only({"admin": 200}, 302)),
    "account_login": Row(lambda w: reverse("account_login"), {"anonymous": 200, "*": 302}),
    "mfa_index": Row(lambda w: reverse("mfa_index"), only({"*": 200}, 200)),
    # Assessments API. Treatment A leads the draft; manager A may countersign it (so reads it);
    # the security officer and the case team see person A but not the treatment compartment.
    # Writes are sent without a body: a persona who passes the access check gets 400.
    "api:instrument-list": Row(lambda w: reverse("api:instrument-list"),
                               only({"*": 200}, 200, 401)),
    "api:instrument-detail": Row(lambda w: reverse("api:instrument-detail",
                                                   args=[risk_needs(w).uuid]),
                                 only({"*": 200}, 200, 401)),
    "api:person-screenings": Row(lambda w: reverse("api:person-screenings", args=[person(w)]),
                                 only({"treatment_a": 200, "security_a": 403, "manager_a": 403,
                                       "ngo_worker": 403}, 404, 401)),
    "api:person-assessments": Row(lambda w: reverse("api:person-assessments", args=[person(w)]),
                                  {**READ_A, "anonymous": 401}),
    "api:assessment-detail": Row(lambda w: reverse("api:assessment-detail", args=[draft(w).uuid]),
                                 only({"treatment_a": 200}, 404, 401)),
    # data="": an empty PUT body (a dict would be sent as an unparseable octet-stream).
    "api:assessment-item": Row(lambda w: reverse("api:assessment-item",
                                                 args=[draft(w).uuid, "BA1"]),
                               only({"treatment_a": 400}, 404, 401), method="put", data=""),
    "api:assessment-submit": Row(lambda w: reverse("api:assessment-submit", args=[draft(w).uuid]),
                                 only({"treatment_a": 400}, 404, 401), method="post"),
    "api:assessment-countersign": Row(lambda w: reverse("api:assessment-countersign",
                                                        args=[submitted(w).uuid]),
                                      only({"treatment_a": 403, "manager_a": 400}, 404, 401),
                                      method="post"),
    "api:assessment-return": Row(lambda w: reverse("api:assessment-return",
                                                   args=[submitted(w).uuid]),
                                 only({"treatment_a": 403, "manager_a": 400}, 404, 401),
                                 method="post"),
    # Assessment pages. Full assessments are the treatment compartment's; the manager reviews
    # what is submitted to them; the case team (ngo_worker) sees summaries on the person page.
    "assessments:worklist": Row(lambda w: reverse("assessments:worklist"),
                                only(CASEWORKERS, 403)),
    "assessments:screen": Row(lambda w: (screening(w), reverse("assessments:screen",
                                                                args=[person(w)]))[1],
                              TREATMENT_A),
    "assessments:start": Row(lambda w: reverse("assessments:start", args=[person(w)]),
                             TREATMENT_A),
    "assessments:screening": Row(lambda w: reverse("assessments:screening",
                                                   args=[screening(w).uuid]), DRAFT_A),
    "assessments:detail": Row(lambda w: reverse("assessments:detail", args=[draft(w).uuid]),
                              DRAFT_A),
    "assessments:compare": Row(lambda w: reverse("assessments:compare", args=[draft(w).uuid]),
                               DRAFT_A),
    "assessments:pdf": Row(lambda w: reverse("assessments:pdf", args=[draft(w).uuid]),
                           DRAFT_A),
    "assessments:rate_item": Row(lambda w: reverse("assessments:rate_item",
                                                   args=[draft(w).uuid, "BA1"]),
                                 DRAFT_A_POSTS, method="post", data={"rating": "low"}),
    "assessments:rate": Row(lambda w: reverse("assessments:rate", args=[draft(w).uuid]),
                            only({"treatment_a": 302}, 404)),
    "assessments:rate_domain": Row(lambda w: reverse("assessments:rate_domain", args=[
        draft(w).uuid, draft(w).instrument_version.parsed.domains[0].code]), DRAFT_A),
    # Format 2 (a draft structured profile with one additional factor): empty posts. The
    # judgement (both fields empty) is removed, 302; a factor without a name or rating is
    # refused on the page, 200; removing needs no more than the factor, 302.
    "assessments:domain_judgement": Row(lambda w: reverse("assessments:domain_judgement", args=[
        profile_draft(w).uuid, "engagement"]), DRAFT_A_POSTS, method="post",
        version_of=profile_draft, version_field="judgement-version"),
    "assessments:factor_add": Row(lambda w: reverse("assessments:factor_add", args=[
        profile_draft(w).uuid, "engagement"]), DRAFT_A, method="post"),
    "assessments:factor_update": Row(lambda w: reverse("assessments:factor_update", args=[
        profile_draft(w).uuid, factor(w).uuid]), DRAFT_A, method="post"),
    "assessments:factor_remove": Row(lambda w: reverse("assessments:factor_remove", args=[
        profile_draft(w).uuid, factor(w).uuid]), DRAFT_A_POSTS, method="post"),
    "assessments:add_source": Row(lambda w: reverse("assessments:add_source",
                                                    args=[draft(w).uuid]),
                                  DRAFT_A_POSTS, method="post"),
    "assessments:remove_source": Row(lambda w: reverse("assessments:remove_source",
                                                       args=[draft(w).uuid, 0]),
                                     DRAFT_A_POSTS, method="post", version_of=draft),
    "assessments:summary": Row(lambda w: reverse("assessments:summary", args=[draft(w).uuid]),
                               DRAFT_A_POSTS, method="post", version_of=draft),
    "assessments:invite": Row(lambda w: reverse("assessments:invite", args=[draft(w).uuid]),
                              DRAFT_A_POSTS, method="post"),
    "assessments:submit": Row(lambda w: reverse("assessments:submit", args=[draft(w).uuid]),
                              DRAFT_A_POSTS, method="post", version_of=draft),
    "assessments:correct": Row(lambda w: reverse("assessments:correct",
                                                 args=[countersigned(w).uuid]),
                               TREATMENT_A_POSTS, method="post"),
    # Manager A countersigns before the NGO worker's turn: final, it is then the case team's
    # summary, visible to the NGO worker, who may not countersign it (403).
    "assessments:countersign": Row(lambda w: reverse("assessments:countersign",
                                                     args=[submitted(w).uuid]),
                                   {**MANAGER_A_POSTS, "ngo_worker": 403}, method="post",
                                   version_of=submitted),
    "assessments:return": Row(lambda w: reverse("assessments:return", args=[submitted(w).uuid]),
                              MANAGER_A_POSTS, method="post"),
    "assessments:instruments": Row(lambda w: reverse("assessments:instruments"),
                                   only({"*": 200}, 200)),
    "assessments:instrument_load": Row(lambda w: reverse("assessments:instrument_load"),
                                       only({"admin": 200}, 403)),
}


# --- work: tasks and notifications --------------------------------------------------------------

def countersignature_task(w):
    """The task "countersign the assessment of person A": the prison managers' of prison A,
    created by treatment A when they submitted it (who may see it, not mark it done)."""
    from alliance.work.models import Task

    return Task.objects.get(kind="countersignature_waiting", source_uuid=submitted(w).uuid)


def notification(w):
    """A notification to treatment A about person A (once per test)."""
    import datetime

    from alliance.work.services import notify

    if not hasattr(w, "notification"):
        w.notification = notify(recipient=w.treatment_a, kind="reassessment_due",
                                person=w.person_a, target=w.person_a,
                                params={"reference": w.person_a.reference,
                                        "due_on": datetime.date.today()})
    return w.notification


EVERYONE = only({"*": 200}, 200)
# Marking done: a holder of the role (manager A; sent without a version: 302 back to My work
# with the error on the page, 400 in the API); the submitter who created it sees it: 403.
TASK_DONE = {"anonymous": 302, "manager_a": 302, "treatment_a": 403, "*": 404}
MATRIX.update({
    "work:my_work": Row(lambda w: reverse("work:my_work"), EVERYONE),
    "work:notifications": Row(lambda w: reverse("work:notifications"), EVERYONE),
    "work:task_done": Row(lambda w: reverse("work:task_done", args=[countersignature_task(w).uuid]),
                          TASK_DONE, method="post"),
    "work:notification_read": Row(lambda w: reverse("work:notification_read",
                                                    args=[notification(w).uuid]),
                                  only({"treatment_a": 302}, 404), method="post"),
    "work:notifications_read_all": Row(lambda w: reverse("work:notifications_read_all"),
                                       {"*": 302}, method="post"),
    "api:task-list": Row(lambda w: reverse("api:task-list"), only({"*": 200}, 200, 401)),
    "api:task-done": Row(lambda w: reverse("api:task-done", args=[countersignature_task(w).uuid]),
                         {**TASK_DONE, "anonymous": 401, "manager_a": 400}, method="post"),
    "api:notification-list": Row(lambda w: reverse("api:notification-list"),
                                 only({"*": 200}, 200, 401)),
    "api:notification-read": Row(lambda w: reverse("api:notification-read",
                                                   args=[notification(w).uuid]),
                                 only({"treatment_a": 200}, 404, 401), method="post"),
})

# The modules' rows, kept beside their tests (tests/<module>/matrix_*.py).
for _rows in (matrix_plan.ROWS, matrix_engagement.ROWS, matrix_api.ROWS,
              assessments_matrix_api.ROWS, observations_matrix_api.ROWS,
              observations_matrix_pages.ROWS, release_matrix_pages.ROWS,
              release_matrix_api.ROWS, agreements_matrix_pages.ROWS, referral_matrix.ROWS,
              conference_matrix_pages.ROWS, training_matrix.ROWS, entry_matrix.ROWS,
              meeting_matrix.ROWS, recommendation_matrix.ROWS, methodology_matrix.ROWS,
              monitoring_matrix_pages.ROWS, monitoring_matrix_api.ROWS, matrix_account.ROWS,
              matrix_privacy.ROWS, matrix_retention.ROWS, matrix_retention.VARIANTS):
    assert not set(_rows) & set(MATRIX), set(_rows) & set(MATRIX)
    MATRIX.update(_rows)

# Monitoring beyond one row per pattern (tests/monitoring/matrix_*.py): prison J2's figures are
# its manager's alone, prison B's (no manager among the personas) nobody's; a code that is no
# jurisdiction or no indicator is not found for whoever may see that kind of page, and refused
# to the rest before it is looked up (so that a refusal says nothing of what exists).
SEES_A_LEVEL = ("manager_a", "manager_other", "regional_coordinator")
MONITORING_VARIANTS = {
    "monitoring:agency (prison J2)": Row(
        lambda w: reverse("monitoring:agency", args=[w.prison_other.uuid]),
        only({"manager_other": 200}, 403)),
    "monitoring:agency_export (prison J2, xlsx)": Row(
        lambda w: reverse("monitoring:agency_export", args=[w.prison_other.uuid, "xlsx"]),
        only({"manager_other": 200}, 403)),
    "monitoring:recompute (prison J2)": Row(
        lambda w: reverse("monitoring:recompute", args=[w.prison_other.uuid]),
        only({"manager_other": 302}, 403), method="post"),
    "monitoring:agency (prison B)": Row(
        lambda w: reverse("monitoring:agency", args=[w.prison_b.uuid]), only({}, 403)),
    "monitoring:agency (no such agency)": Row(
        lambda w: reverse("monitoring:agency", args=["00000000-0000-4000-8000-000000000000"]),
        only({}, 403)),
    "monitoring:jurisdiction (J2)": Row(
        lambda w: reverse("monitoring:jurisdiction", args=[w.j2.code]),
        only({"regional_coordinator": 200}, 403)),
    "monitoring:jurisdiction (no such code)": Row(
        lambda w: reverse("monitoring:jurisdiction", args=["ZZ"]),
        only({"regional_coordinator": 404}, 403)),
    "monitoring:jurisdiction_export (no such code)": Row(
        lambda w: reverse("monitoring:jurisdiction_export", args=["ZZ", "xlsx"]),
        only({"regional_coordinator": 404}, 403)),
    "monitoring:indicator (no such code)": Row(
        lambda w: reverse("monitoring:indicator", args=["nothing"]),
        only(dict.fromkeys(SEES_A_LEVEL, 404), 403)),
    "api:indicator-detail (no such code)": Row(
        lambda w: reverse("api:indicator-detail", args=["nothing"]),
        only(dict.fromkeys(SEES_A_LEVEL, 404), 403, 401)),
    "api:statistics (prison J2)": Row(
        lambda w: f"{reverse('api:statistics')}?level=facility&agency={w.prison_other.uuid}",
        only({"manager_other": 200}, 403, 401)),
    "api:statistics (jurisdiction)": Row(
        lambda w: f"{reverse('api:statistics')}?level=jurisdiction&jurisdiction=J1",
        only({"regional_coordinator": 200}, 403, 401)),
}
assert not set(MONITORING_VARIANTS) & set(MATRIX)
MATRIX.update(MONITORING_VARIANTS)

# Third-party URL families: each is guarded as a whole (the Django admin by our admin site's
# permission check, allauth's by its own login requirements), and a representative of each is
# in the matrix above.
EXEMPT_PREFIXES = ("admin:", "account_", "mfa_", "javascript-catalog")
EXEMPT_UNNAMED = ("^static/", "__debug__")


def all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    names = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names += all_url_names(p, ns)
        elif isinstance(p, URLPattern):
            names.append(f"{namespace}{p.name}" if p.name else
                         f"{namespace}<unnamed {p.pattern}>")
    return names


def test_every_url_pattern_is_in_the_matrix():
    missing = [n for n in all_url_names() if n not in MATRIX
               and not n.startswith(EXEMPT_PREFIXES)
               and not any(x in n for x in EXEMPT_UNNAMED)]
    assert missing == [], f"Add these URLs to the authorization matrix: {missing}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_persona_gets_the_expected_status(name, world):
    world.member_a = case_services.team_member_add(
        actor=world.manager_a, case=world.case_a,
        membership=Membership.objects.get(user=world.ngo_worker), team_role="Mentor", scopes=[])
    world.member_a.case.person.refresh_from_db()
    row = MATRIX[name]
    failures = []
    for persona in PERSONAS:
        client = Client() if persona == "anonymous" else login(getattr(world, persona))
        url = row.url(world)
        response = getattr(client, row.method)(url, row.data_for(world))
        expected = row.status_for(persona)
        if response.status_code != expected:
            failures.append(f"{persona}: expected {expected}, got {response.status_code}")
    assert not failures, f"{name} {row.method.upper()}: " + "; ".join(failures)



# A regional coordinator who also manages prison B is no persona of the matrix: they see prison
# B's exact figures and the definitions, and are refused the anonymous levels (the levels never
# meet in one user) and every other agency. Every monitoring row needs their status here.
COORDINATOR_WHO_MANAGES = {
    "monitoring:home": 302, "monitoring:agency": 403, "monitoring:agency_export": 403,
    "monitoring:recompute": 403, "monitoring:region": 403, "monitoring:region_export": 403,
    "monitoring:report": 403, "monitoring:jurisdiction": 403,
    "monitoring:jurisdiction_export": 403, "monitoring:indicators": 200,
    "monitoring:indicator": 200, "api:indicator-list": 200, "api:indicator-detail": 200,
    "api:statistics": 403, "api:statistics (region)": 403,
    "monitoring:agency (prison J2)": 403, "monitoring:agency_export (prison J2, xlsx)": 403,
    "monitoring:recompute (prison J2)": 403, "monitoring:agency (prison B)": 200,
    "monitoring:agency (no such agency)": 403, "monitoring:jurisdiction (J2)": 403,
    "monitoring:jurisdiction (no such code)": 403,
    "monitoring:jurisdiction_export (no such code)": 403,
    "monitoring:indicator (no such code)": 404, "api:indicator-detail (no such code)": 404,
    "api:statistics (prison J2)": 403, "api:statistics (jurisdiction)": 403,
}


def test_a_coordinator_who_manages_an_agency_sees_it_and_no_anonymous_level(world):
    from alliance.accounts.models import Role, Sector

    from .factories import member

    user = member(world.regional, Role.REGIONAL_COORDINATOR, username="coordinator_manager")
    user.memberships.create(agency=world.prison_b, roles=[Role.PRISON_MANAGER],
                            sector=Sector.MANAGEMENT)
    rows = {name for name in MATRIX if name.startswith(
        ("monitoring:", "api:indicator-", "api:statistics"))}
    assert set(COORDINATOR_WHO_MANAGES) == rows
    client = login(user)
    failures = []
    for name, expected in sorted(COORDINATOR_WHO_MANAGES.items()):
        row = MATRIX[name]
        status = getattr(client, row.method)(row.url(world), row.data).status_code
        if status != expected:
            failures.append(f"{name}: expected {expected}, got {status}")
    assert not failures, "; ".join(failures)
    prison_b = login(user).get(reverse("api:statistics"), {
        "level": "facility", "agency": str(world.prison_b.uuid)})
    assert prison_b.status_code == 200 and prison_b.json()["level"] == "facility"

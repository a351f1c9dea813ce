"""The canary walk: a unique marker planted in every compartment-bearing field, every GET URL
pattern (pages, htmx partials, exports, the API) fetched as every persona, and each marker may
appear only in what a holder of its compartment receives.

Add every new compartment-bearing field to `plant()` and every new URL parameter to
`PARAMETERS`: a URL pattern the walk cannot fill fails the suite.

The monitoring pages and the statistics API are walked with the snapshots computed from the
planted records: they show figures, never a marker or a person's reference, and each answer
(figures shown, or refused) leaves exactly one audit event that names no person.
"""

import datetime
import uuid

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from alliance.accounts.models import Membership, Role
from alliance.assessments import services as assessment_services
from alliance.assessments.instruments import REFERENCE_DIR
from alliance.cases import services as case_services
from alliance.core.compartments import Compartment
from alliance.core.models import AuditEvent
from alliance.core.special import SPECIAL_FIELDS
from alliance.monitoring import snapshots
from alliance.observations import services as security_services
from alliance.observations.models import SharedSummary
from alliance.people import services as people_services
from alliance.people.models import CustodyEpisode
from alliance.plans import services as plan_services

from ..conftest import PROFILE_ANSWERS, certify, complete_ratings, login
from ..factories import AgencyFactory, member
from ..observations import builders as security_builders
from ..observations.conftest import indicator
from ..plans import builders
from ..retention import builders as retention_builders
from .test_headers import problems as header_problems

pytestmark = pytest.mark.django_db

PERSONAS = ["treatment_a", "security_a", "analyst_a", "manager_a", "treatment_b",
            "probation_officer", "ngo_worker", "regional_coordinator", "dpo", "admin",
            "manager_other"]

# Who holds what for person A in this walk (people/access.py and assessments/access.py):
# prison A's sectors; probation on the team with the identity scope; the NGO on the team with
# no scope (reference only). Manager A countersigns, so reads assessments submitted to them.
# Prison A's security side is security A and analyst A.
HOLDERS = {
    "identity": {"treatment_a", "security_a", "analyst_a", "manager_a", "probation_officer"},
    "treatment": {"treatment_a"},
    "treatment_reviewed": {"treatment_a", "manager_a"},
    "security": {"security_a", "analyst_a"},
    # the case team's share: prison A's sectors, and both team members
    "case_team": {"treatment_a", "security_a", "analyst_a", "manager_a", "probation_officer",
                  "ngo_worker"},
    # a referral from prison A to the NGO: prison A's side, and the NGO once it is sent
    # (the probation officer is on the team for another agency: not the sending side)
    "referral": {"treatment_a", "security_a", "analyst_a", "manager_a", "ngo_worker"},
    # a summary in force, shared by name with treatment A and the probation officer
    "summary": {"security_a", "analyst_a", "treatment_a", "probation_officer"},
    # treatment A's own observations (they record, correct and follow them; the analyst's
    # feedback is for them) and the security side's
    "observer": {"security_a", "analyst_a", "treatment_a"},
    # The knowledge base (knowledge/*/access.py). No knowledge editor and no trainer is a
    # persona: editor_j1/editor_j2 review and trainer/trainer_j2 record, unseen by the walk.
    # An entry's draft is its author's; submitted, also its jurisdiction's editors'.
    "kb_draft": {"treatment_a"},
    "kb_submitted": {"probation_officer"},
    "kb_returned": {"ngo_worker"},
    # a draft of the regional programme, submitted: its author and the coordinators review it
    "kb_regional_submitted": {"treatment_b", "regional_coordinator"},
    # reviewed: everyone with a place in its jurisdiction, and the coordinators (who publish)
    "kb_reviewed_j1": {"treatment_a", "security_a", "analyst_a", "manager_a", "treatment_b",
                       "probation_officer", "ngo_worker", "dpo", "admin",
                       "regional_coordinator"},
    "kb_reviewed_j2": {"manager_other", "regional_coordinator"},
    # withdrawn: its author, its jurisdiction's editors and the coordinators
    "kb_withdrawn": {"security_a", "regional_coordinator"},
    # a draft of the methodology: the knowledge editors and the coordinators
    "methodology_draft": {"regional_coordinator"},
    # a session of J1's prison administration attended by treatment A and treatment B: its
    # trainers, and the managers whose staff attend (manager A); each attendee reads their own
    # result's note on "My training", manager A their staff's
    "training_j1": {"manager_a"},
    "training_note_a": {"treatment_a", "manager_a"},
    "training_note_b": {"treatment_b"},
    # a session organised by prison J2: its manager
    "training_j2": {"manager_other"},
}

# Third-party families guarded as a whole (see the authorization matrix) and static files.
SKIPPED = ("admin:", "account_", "mfa_", "javascript-catalog", "set_language", "api-docs",
           "api-schema")


def _final(w, rating, *, evidence="", **text):
    a = assessment_services.assessment_start(actor=w.treatment_a, person=w.person_a,
                                             instrument_version=w.version)
    complete_ratings(a, w.treatment_a, rating)
    if evidence:
        first = a.instrument_version.parsed.items[0].code
        assessment_services.assessment_rate_item(actor=w.treatment_a, assessment=a,
                                                 item_code=first, rating=rating,
                                                 evidence=evidence)
    a = assessment_services.assessment_update(
        actor=w.treatment_a, assessment=a, expected_version=None,
        sources=[{"kind": "file", "description": text.get("source", "Case file")}],
        overall_judgement="moderate", judgement_rationale=text.get("rationale", "Rationale"),
        formulation=text.get("formulation", ""), consensus_note=text.get("consensus", ""))
    a = assessment_services.assessment_submit(actor=w.treatment_a, assessment=a,
                                              expected_version=None)
    return assessment_services.assessment_countersign(actor=w.manager_a, assessment=a,
                                                      expected_version=None)


def plant(w) -> dict:
    """Plant one marker per compartment-bearing field; return {marker: compartment key}."""
    markers = {}

    def mark(name, holders):
        marker = f"CANARY{name.upper()}Q"
        markers[marker] = holders
        return marker

    # identity
    people_services.person_update(
        actor=w.manager_a, person=w.person_a, expected_version=None,
        given_name=mark("given", "identity"), family_name=mark("family", "identity"),
        aliases=mark("alias", "identity"), national_id=mark("nid", "identity"))
    episode = CustodyEpisode.objects.get(pk=w.episode_a.pk)  # offences: a special-category field
    episode.offences = mark("offences", "identity")
    episode.save(update_fields=["offences"])
    # treatment: two final assessments (so the change summary and the trend exist)
    certify(w.treatment_a, "alliance-risk-needs")
    plant_format_2(w, mark)  # first, so that the format-1 assessments stay the latest
    _final(w, "low")
    w.assessment = _final(
        w, "high", evidence=mark("evidence", "treatment_reviewed"),
        rationale=mark("rationale", "treatment_reviewed"),
        formulation=mark("formulation", "treatment_reviewed"),
        consensus=mark("consensus", "treatment_reviewed"),
        source=mark("source", "treatment_reviewed"))
    w.draft = assessment_services.assessment_start(actor=w.treatment_a, person=w.person_a,
                                                   instrument_version=w.version)
    assessment_services.assessment_rate_item(
        actor=w.treatment_a, assessment=w.draft, item_code="BA1", rating="low",
        evidence=mark("draftevidence", "treatment"))
    path = REFERENCE_DIR / "screening-v1.yaml"
    screening_version, _ = assessment_services.instrument_load(
        actor=None, text=path.read_text(), filename=path.name)
    definition = screening_version.parsed
    w.screening = assessment_services.screening_create(
        actor=w.treatment_a, person=w.person_a, instrument_version=screening_version,
        occasion="intake", ratings={i.code: "absent" for i in definition.items},
        evidence={definition.items[0].code: mark("screeningevidence", "treatment")},
        bias_answers={q.code: {"answer": "no"} for q in definition.bias_check.questions},
        outcome="no_concern", rationale=mark("screeningrationale", "treatment"))
    canary_assessment = w.assessment
    plant_plans(w, mark)  # (its assessment reschedules the reassessment: before the due below)
    w.assessment = canary_assessment  # builders.ensure_planning set its own
    # dynamic security (its escalation marks a reassessment due: before the due below)
    plant_security(w, mark)
    # release and after: every free text of the release records (the case team's share)
    plant_release(w, mark)
    # coordination: referrals and case conferences
    plant_coordination(w, mark)
    # the knowledge base, the methodology and training (each marker shown to every holder)
    plant_knowledge(w, mark)
    # security: the detail of a due reason that came from an escalated observation
    # (a code with parameters: the marker stands in for an indicator's code)
    assessment_services.mark_reassessment_due(
        person=w.person_a, reason="significant_event", compartment=Compartment.SECURITY,
        detail="observation_escalated", actor=w.manager_a,
        detail_params={"observed_on": datetime.date.today(),
                       "indicators": [mark("securitydue", "security")]})
    # treatment-derived output on the person page: the chart and the change summary
    markers["Domain scores over time"] = "treatment"
    markers["Since the previous assessment"] = "treatment"
    return markers


def plant_security(w, mark) -> None:
    """Dynamic security: an escalated observation by security A (its verbatim, context and
    opinion; the analyst's feedback; an addendum; a link's note), an archived one (its reason),
    an analysis, and three summaries: one in force shared with treatment A and the probation
    officer, one expired (shared with the NGO worker), one withdrawn (shared with treatment A,
    and its reason). Treatment A's own observations: one new, one reviewed with feedback. Each of
    these markers must reach every holder of its compartment, not only some."""
    observe, review = security_builders.observe, security_builders.review
    w.exact_markers = set()

    def mark(name, holders, _mark=mark):  # each holder must really be shown these
        marker = _mark(name, holders)
        w.exact_markers.add(marker)
        return marker

    w.observation = review(w, observe(
        w, w.security_a, verbatim=mark("obsverbatim", "security"),
        context=mark("obscontext", "security"), opinion=mark("obsopinion", "security"),
        indicators=[indicator("threatens")]), feedback=mark("obsfeedback", "security"))
    security_services.addendum_add(actor=w.security_a, observation=w.observation,
                                   text=mark("addendum", "security"))
    other = review(w, observe(w, w.security_a, hours_ago=30))
    w.observation_link = security_services.observation_link(
        actor=w.analyst_a, observation=w.observation, other=other,
        note=mark("linknote", "security"))
    w.archived = security_services.observation_archive(
        actor=w.analyst_a, observation=other, expected_version=None,
        reason=mark("archivedreason", "security"))
    w.analysis = security_services.analysis_save(
        actor=w.analyst_a, person=w.person_a, text=mark("analysis", "security"),
        observations=[w.observation])
    w.summary = security_builders.share(
        w, summary=mark("summary", "summary"), recipients=[w.treatment_a, w.probation_officer],
        observations=[w.observation], analysis=w.analysis)
    w.expired_summary = security_builders.share(
        w, summary=mark("expiredsummary", "security"), recipients=[w.ngo_worker], days=1)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    SharedSummary.objects.filter(pk=w.expired_summary.pk).update(expires_on=yesterday)
    withdrawn = security_builders.share(w, summary=mark("withdrawnsummary", "security"))
    w.withdrawn_summary = security_services.share_withdraw(
        actor=w.analyst_a, summary=withdrawn, expected_version=withdrawn.version,
        reason=mark("withdrawnreason", "security"))
    w.own_observation = observe(w, w.treatment_a, verbatim=mark("ownverbatim", "observer"),
                                opinion=mark("ownopinion", "observer"), hours_ago=2)
    w.own_reviewed = review(w, observe(w, w.treatment_a, hours_ago=4),
                            feedback=mark("ownfeedback", "observer"))


def plant_release(w, mark) -> None:
    """The release module, all of it the case team's share: a step done with its evidence and
    one not applicable with the reason; the support plan (the municipality's and the family's
    involvement, a pathway's needs, an action, a condition, a contact's notes, a breach); a
    handover withdrawn with the reason, and one acknowledged (its note and the acknowledgement
    note); and the follow-ups of an earlier custody that ended in a conditional release, one
    held and one missed, each with notes. Person A stays in custody at prison A."""
    from alliance.organisations.models import AgencyType
    from alliance.people.models import CustodyEpisode
    from alliance.release import services as release_services
    from alliance.release.services.follow_ups import follow_ups_ensure

    from ..factories import AgencyFactory
    from ..release import builders as release_builders

    today = datetime.date.today()
    release_builders.set_release(w, release_builders.months_ahead(2))
    steps = release_builders.steps_by_code(w)
    w.release_step = release_builders.complete(steps["reassessment"], w.treatment_a,
                                               evidence=mark("stepevidence", "case_team"))
    w.release_step_na = release_services.step_not_applicable(
        actor=w.manager_a, step=steps["identity_documents"], expected_version=None,
        reason=mark("stepreason", "case_team"))
    municipality = AgencyFactory(jurisdiction=w.j1, name="Municipality J1",
                                 type=AgencyType.MUNICIPALITY)
    w.support_plan = release_services.support_plan_start(actor=w.probation_officer,
                                                         person=w.person_a)
    release_services.support_plan_update(
        actor=w.probation_officer, plan=w.support_plan, expected_version=None,
        municipality=municipality,
        municipality_involvement=mark("municipalityinvolvement", "case_team"),
        family_involvement=mark("familyinvolvement", "case_team"))
    w.pathway = w.support_plan.pathways.get(pathway="accommodation")
    release_services.pathway_update(actor=w.probation_officer, entry=w.pathway,
                                    expected_version=None, status="need",
                                    needs=mark("pathwayneeds", "case_team"))
    w.support_action = release_services.action_add(
        actor=w.probation_officer, entry=w.pathway, agency=w.probation,
        description=mark("actiondescription", "case_team"))
    w.condition = release_services.condition_add(
        actor=w.probation_officer, plan=w.support_plan, kind="residence",
        detail=mark("conditiondetail", "case_team"), starts_on=today)
    release_services.contact_add(actor=w.probation_officer, plan=w.support_plan,
                                 contact_on=today, kind="office",
                                 notes=mark("contactnotes", "case_team"))
    release_services.breach_add(actor=w.probation_officer, plan=w.support_plan,
                                occurred_on=today, response="warning", condition=w.condition,
                                description=mark("breachdescription", "case_team"))
    withdrawn = release_services.handover_send(actor=w.manager_a, person=w.person_a,
                                               to_agency=w.probation,
                                               note=mark("withdrawnnote", "case_team"))
    w.handover_withdrawn = release_services.handover_withdraw(
        actor=w.manager_a, handover=withdrawn, expected_version=None,
        reason=mark("handoverwithdrawn", "case_team"))
    sent = release_services.handover_send(actor=w.manager_a, person=w.person_a,
                                          to_agency=w.probation,
                                          note=mark("handovernote", "case_team"))
    w.handover = release_services.handover_acknowledge(
        actor=w.probation_officer, handover=sent, expected_version=None,
        note=mark("acknowledgementnote", "case_team"))
    # An earlier custody, ended in a conditional release (as after an import): its follow-ups.
    earlier = CustodyEpisode.objects.create(
        person=w.person_a, facility=w.prison_a, admitted_on=datetime.date(2019, 3, 1),
        legal_status="sentenced", sentence_years=2, is_current=False,
        ended_on=datetime.date(2021, 3, 1), release_type="conditional")
    follow_ups_ensure(earlier)
    by_offset = {f.offset: f for f in earlier.follow_ups.all()}
    w.follow_up_held = release_services.follow_up_record(
        actor=w.treatment_a, follow_up=by_offset["1m"], expected_version=None,
        held_on=datetime.date(2021, 4, 2), contact_kind="office", engagement="engaged",
        housing="stable", work="employed", new_offence="no", reengagement="none",
        notes=mark("followupnotes", "case_team"))
    w.follow_up_missed = release_services.follow_up_missed(
        actor=w.treatment_a, follow_up=by_offset["3m"], expected_version=None,
        notes=mark("followupmissed", "case_team"))


def plant_coordination(w, mark) -> None:
    """Coordination between agencies: a referral to the NGO, sent (its reason and desired
    result), one declined (the note), one completed (its outcome note and a result's note); a
    case conference held (its purpose, the summary, a shared item, a decision and an action)
    with the probation officer and treatment A attending, and the next one scheduled."""
    from alliance.coordination.conferences import services as conferences
    from alliance.coordination.referrals import services as referrals

    from ..factories import agreement

    today = datetime.date.today()
    w.referral = referrals.referral_create(
        actor=w.manager_a, person=w.person_a, to_agency=w.ngo, kind="mentoring",
        reason=mark("referralreason", "referral"), results=[mark("referralresult", "referral")],
        send=True)
    # a second receiving agency, so that the NGO worker's place on the team stays as it is
    w.provider = AgencyFactory(jurisdiction=w.j1, name="Provider J1", type="community_provider")
    w.provider_worker = member(w.provider, Role.COMMUNITY_PROVIDER, username="provider")
    agreement(w.prison_a, w.provider, created_by=w.admin, title="Provider agreement")
    declined = referrals.referral_create(
        actor=w.manager_a, person=w.person_a, to_agency=w.provider, kind="support_service",
        reason="Housing support", results=["A place"], send=True)
    w.referral_declined = referrals.referral_decline(
        actor=w.provider_worker, referral=declined, reason="other",
        note=mark("declinenote", "referral"), expected_version=None)
    done = referrals.referral_create(
        actor=w.manager_a, person=w.person_a, to_agency=w.provider, kind="mentoring",
        reason="Mentoring", results=["Meets the mentor"], send=True)
    done = referrals.referral_accept(actor=w.provider_worker, referral=done,
                                     worker=w.provider_worker, expected_version=None)
    w.referral_done = referrals.referral_complete(
        actor=w.provider_worker, referral=done, expected_version=None,
        note=mark("referraloutcome", "referral"),
        outcomes=[{"outcome": "partly", "note": mark("resultnote", "referral")}])
    now = timezone.now()
    held = conferences.conference_schedule(
        actor=w.manager_a, person=w.person_a, scheduled_for=now - datetime.timedelta(days=7),
        place="Room 1", purpose=mark("conferencepurpose", "case_team"),
        attendees=[w.probation_officer, w.treatment_a])
    w.conference = conferences.conference_record_minutes(
        actor=w.manager_a, conference=held, expected_version=None,
        held_on=today - datetime.timedelta(days=7), summary=mark("conferencesummary", "case_team"),
        attended=[w.manager_a.pk, w.probation_officer.pk, w.treatment_a.pk],
        shared=[("plan_progress", mark("shareditem", "case_team"))],
        decisions=[mark("decision", "case_team")],
        actions=[(mark("conferenceaction", "case_team"), w.probation_officer,
                  today + datetime.timedelta(days=7))])
    w.conference_action = w.conference.actions.get()
    w.next_conference = conferences.conference_schedule(
        actor=w.manager_a, person=w.person_a, scheduled_for=now + datetime.timedelta(days=20),
        place="Room 1", attendees=[w.probation_officer])


def plant_knowledge(w, mark) -> None:
    """The knowledge base: entries in each restricted state (a draft with an attachment; a draft
    submitted; one returned with the reviewer's note; a regional draft submitted; a reviewed
    entry of J1 with an attachment, a translation, the reviewer's note and an intervention it
    supports; a reviewed recommendation of J2; one withdrawn after it was published, presented
    at a meeting and linked to an intervention), a published recommendation and a meeting
    (everyone's: no marker); the methodology's drafts (a new chapter of version 2, and a
    methodology with no approved version); and training: a session of J1 with its results (the
    notes, each attendee's note) and one planned by prison J2. Each marker must reach every
    holder, not only some."""
    from alliance.knowledge.entries import services as entries
    from alliance.knowledge.meetings.services import Participation, meeting_create
    from alliance.knowledge.methodology import services as methodology
    from alliance.knowledge.models import EntryKind, EntryStatus
    from alliance.knowledge.recommendations.services import adoption_set
    from alliance.knowledge.training import services as training

    from ..knowledge import security_builders as kb
    from ..knowledge.builders import entry as published_entry
    from ..knowledge.training import builders as training_builders

    def mark(name, holders, _mark=mark):
        marker = _mark(name, holders)
        w.exact_markers.add(marker)
        return marker

    kb.knowledge_staff(w)
    coordinator = w.regional_coordinator
    draft = kb.written(w.treatment_a, jurisdiction=w.j1, title=mark("kbdrafttitle", "kb_draft"),
                       description=mark("kbdraftdescription", "kb_draft"),
                       findings=mark("kbdraftfindings", "kb_draft"),
                       attachment=(mark("kbdraftfile", "kb_draft") + ".txt",
                                   mark("kbdraftfilebody", "kb_draft")))
    entry_submitted = kb.submitted(kb.written(
        w.probation_officer, jurisdiction=w.j1, title=mark("kbsubmittedtitle", "kb_submitted"),
        findings=mark("kbsubmittedfindings", "kb_submitted")))
    entry_returned = kb.returned(kb.written(
        w.ngo_worker, jurisdiction=w.j1, title=mark("kbreturnedtitle", "kb_returned")),
        w.editor_j1, note=mark("kbreturnnote", "kb_returned"))
    regional = kb.submitted(kb.written(
        w.treatment_b, jurisdiction=None, title=mark("kbregionaltitle", "kb_regional_submitted"),
        findings=mark("kbregionalfindings", "kb_regional_submitted")))
    reviewed_j1 = kb.written(
        w.treatment_b, jurisdiction=w.j1, title=mark("kbreviewedtitle", "kb_reviewed_j1"),
        findings=mark("kbreviewedfindings", "kb_reviewed_j1"),
        attachment=(mark("kbreviewedfile", "kb_reviewed_j1") + ".txt",
                    mark("kbreviewedfilebody", "kb_reviewed_j1")))
    reviewed_j1 = kb.reviewed(reviewed_j1, w.editor_j1,
                              note=mark("kbreviewnote", "kb_reviewed_j1"))
    reviewed_j1 = entries.translation_save(
        actor=coordinator, entry=reviewed_j1, language="sq", title="Titulli",
        description=mark("kbtranslation", "kb_reviewed_j1"), confirmed=True)
    reviewed_j1 = entries.entry_link_interventions(actor=coordinator, entry=reviewed_j1,
                                                   interventions=[w.mentoring])
    reviewed_j2 = kb.reviewed(kb.written(
        w.manager_other, jurisdiction=w.j2, kind=EntryKind.RECOMMENDATION,
        title=mark("kbreviewedj2title", "kb_reviewed_j2"),
        findings=mark("kbreviewedj2findings", "kb_reviewed_j2")), w.editor_j2)
    withdrawn = kb.published(kb.written(
        w.security_a, jurisdiction=w.j1, title=mark("kbwithdrawntitle", "kb_withdrawn"),
        findings=mark("kbwithdrawnfindings", "kb_withdrawn")), w.editor_j1, coordinator)
    entries.entry_link_interventions(actor=coordinator, entry=withdrawn,
                                     interventions=[w.mentoring])
    # everyone's: a published recommendation, where J1 stands on it, and a meeting that
    # presented it and the entry withdrawn since
    w.kb_recommendation = published_entry(coordinator, kind=EntryKind.RECOMMENDATION,
                                          status=EntryStatus.PUBLISHED,
                                          title="Separate the case manager and security")
    adoption_set(actor=coordinator, entry=w.kb_recommendation, jurisdiction=w.j1,
                 status="in_progress", note="A working group drafts the rule.",
                 expected_version=None)
    w.meeting = meeting_create(
        actor=coordinator, kind="working_group", title="Working group on motivation",
        starts_on=datetime.date.today() - datetime.timedelta(days=30), place="Podgorica",
        participations=[Participation(w.j1, 3, "Staff of prison A")],
        entries=[withdrawn, w.kb_recommendation], agenda="1. Practices")
    withdrawn = kb.withdrawn(withdrawn, coordinator, mark("kbwithdrawnreason", "kb_withdrawn"))
    w.kb_entries = [draft, entry_submitted, entry_returned, regional, reviewed_j1, reviewed_j2,
                    withdrawn, w.kb_recommendation]
    w.kb_attachments = [draft.attachments.get(), reviewed_j1.attachments.get()]
    # the methodology: version 1 approved (everyone's), version 2 a draft with a new chapter;
    # and a methodology with only its draft
    w.methodology, v1, v2 = kb.methodology_with_draft(coordinator,
                                                      citations=[w.kb_recommendation])
    w.draft_chapter = methodology.chapter_add(
        actor=w.editor_j1, version=v2, title=mark("chaptertitle", "methodology_draft"),
        body=mark("chapterbody", "methodology_draft"), confirmed=True)
    w.new_methodology = methodology.methodology_create(
        actor=coordinator, title=mark("methodologytitle", "methodology_draft"),
        description=mark("methodologydescription", "methodology_draft"), confirmed=True)
    new_draft = w.new_methodology.versions.get()
    new_chapter = methodology.chapter_add(actor=coordinator, version=new_draft, title="Scope",
                                          body=mark("newchapterbody", "methodology_draft"),
                                          confirmed=True)
    w.methodology_versions = [v1, v2, new_draft]
    w.chapters = [v1.chapters.get(), w.draft_chapter, new_chapter]
    # training
    w.training_session = kb.recorded_session(
        w, attendees=[w.treatment_a, w.treatment_b],
        notes=mark("trainingnotes", "training_j1"),
        results={w.treatment_a: ("passed", mark("attendancenotea", "training_note_a")),
                 w.treatment_b: ("failed", mark("attendancenoteb", "training_note_b"))})
    w.training_session_j2 = training.session_create(
        actor=w.trainer_j2, agency=w.prison_other, course=training_builders.course(),
        kind="certification", starts_on=training_builders.days(14), place="Training room",
        notes=mark("trainingnotesj2", "training_j2"), confirmed=True)


def plant_format_2(w, mark) -> None:
    """The format-2 fields of the treatment compartment: an additional factor's name and
    evidence, and a domain judgement's rationale, in a countersigned structured profile (its
    assessors and its countersigner) and in a draft (its assessors alone)."""
    certify(w.treatment_a, "alliance-structured-profile")
    version = w.instruments.structured_profile_v2

    def profile(prefix: str, holders: str, *, final: bool):
        a = assessment_services.assessment_start(actor=w.treatment_a, person=w.person_a,
                                                 instrument_version=version)
        for code, rating in PROFILE_ANSWERS.items():
            assessment_services.assessment_rate_item(actor=w.treatment_a, assessment=a,
                                                     item_code=code, rating=rating,
                                                     evidence="From the file")
        factor = assessment_services.factor_add(
            actor=w.treatment_a, assessment=a, domain="engagement",
            name=mark(f"{prefix}factorname", holders),
            evidence=mark(f"{prefix}factorevidence", holders),
            rating={"presence": "present", "influence": "some"})
        judgements = {code: {"judgement": "low", "rationale": "Little seen"}
                      for code in ("engagement", "intent", "capability")}
        judgements["engagement"]["rationale"] = mark(f"{prefix}domainrationale", holders)
        a = assessment_services.assessment_update(
            actor=w.treatment_a, assessment=a, expected_version=None, domain_judgements=judgements,
            sources=[{"kind": "file", "description": "Case file"}], formulation="Formulation")
        if final:
            a = assessment_services.assessment_submit(actor=w.treatment_a, assessment=a,
                                                      expected_version=None)
            a = assessment_services.assessment_countersign(actor=w.manager_a, assessment=a,
                                                           expected_version=None)
        return a, factor

    w.profile, w.profile_factor = profile("profile", "treatment_reviewed", final=True)
    w.profile_draft, w.profile_draft_factor = profile("profiledraft", "treatment", final=False)


def plant_plans(w, mark) -> None:
    """The plans module: the current plan (its summary, a goal, a step, the person's words, a
    review), the next version (its reason, and the comments it was returned with), a session's
    note and shared summary, a refusal's words and strategy note, an enrolment's end reason, a
    stage's rationale and a working-alliance measure's note."""
    today = datetime.date.today()
    builders.ensure_planning(w)
    plan = plan_services.plan_start(actor=w.treatment_a, person=w.person_a)
    for n, goal in enumerate(plan.goals.all()):
        if n == 0:
            goal = plan_services.goal_save(actor=w.treatment_a, plan=plan, expected_version=None,
                                           goal=goal, text=mark("goal", "case_team"),
                                           need_area=goal.need_area)
        plan_services.step_save(actor=w.treatment_a, plan=plan, expected_version=None, goal=goal,
                                text=mark("step", "case_team") if n == 0 else "Attend",
                                actor_kind="prisoner", intervention=w.mentoring)
    plan_services.plan_update(actor=w.treatment_a, plan=plan, expected_version=None,
                              summary=mark("plansummary", "case_team"), position="agreed",
                              position_words=mark("positionwords", "case_team"))
    plan = plan_services.plan_submit(actor=w.treatment_a, plan=plan, expected_version=None)
    w.plan = plan_services.plan_countersign(actor=w.manager_a, plan=plan, expected_version=None)
    plan_services.plan_review(actor=w.treatment_a, plan=w.plan, expected_version=None,
                              note=mark("reviewnote", "case_team"), reviewed_on=today,
                              next_review_on=today + datetime.timedelta(days=90))
    # the next version, submitted and returned with comments: its planners' alone
    draft = plan_services.plan_revise(actor=w.treatment_a, plan=w.plan,
                                      reason=mark("changereason", "case_team"))
    plan_services.plan_update(actor=w.treatment_a, plan=draft, expected_version=None,
                              position="could_not_answer")
    draft = plan_services.plan_submit(actor=w.treatment_a, plan=draft, expected_version=None)
    w.draft_plan = plan_services.plan_return(actor=w.manager_a, plan=draft, expected_version=None,
                                             comments=mark("returncomments", "case_team"))
    w.plan.refresh_from_db()
    builders.enrolment(w)
    w.recorded_session = plan_services.session_record(
        actor=w.treatment_a, session=w.sessions[0], expected_version=None,
        attendance="attended", note=mark("sessionnote", "treatment"),
        shared_summary=mark("sessionsummary", "case_team"))
    w.refused_session = plan_services.session_record(
        actor=w.treatment_a, session=w.sessions[1], expected_version=None, attendance="refused",
        reason="distrust", reason_words=mark("refusalwords", "case_team"),
        strategy="different_provider", strategy_note=mark("strategynote", "case_team"))
    corrected = plan_services.session_record(
        actor=w.treatment_a, session=w.sessions[2], expected_version=None,
        attendance="not_produced")
    plan_services.session_record(
        actor=w.treatment_a, session=corrected, expected_version=None, attendance="attended",
        correction_reason=mark("correction", "case_team"))
    ended = plan_services.enrolment_create(
        actor=w.treatment_a, person=w.person_a, intervention=w.cbt, practitioner=w.treatment_a,
        started_on=today - datetime.timedelta(days=20))
    w.ended_enrolment = plan_services.enrolment_end(
        actor=w.treatment_a, enrolment=ended, expected_version=None, status="ended",
        ended_on=today, reason=mark("endreason", "case_team"))
    plan_services.stage_record(actor=w.treatment_a, person=w.person_a, stage="contemplation",
                               assessed_on=today, rationale=mark("stagerationale", "treatment"))
    w.measure = plan_services.alliance_record(
        actor=w.treatment_a, person=w.person_a, instrument_version=w.instruments.alliance,
        practitioner=w.treatment_a, enrolment=w.enrolment, occasion="scheduled",
        taken_on=today, ratings=builders.ALLIANCE_RATINGS,
        note=mark("alliancenote", "treatment"))


@pytest.fixture
def walk_world(world, instruments):
    w = world
    w.instruments, w.version = instruments, instruments.risk_needs
    case_services.team_member_add(
        actor=w.manager_a, case=w.case_a, scopes=[Compartment.IDENTITY], team_role="Probation",
        membership=Membership.objects.get(user=w.probation_officer))
    w.member = case_services.team_member_add(
        actor=w.manager_a, case=w.case_a, scopes=[], team_role="Mentor",
        membership=Membership.objects.get(user=w.ngo_worker))
    w.markers = plant(w)
    # The monitoring figures of every month the planted records fall in (the earliest: an
    # earlier custody from 2019), so that its pages, exports and API show figures when walked.
    snapshots.compute(datetime.date(2019, 1, 1), timezone.localdate(), actor=None,
                      reason="canary walk")
    return w


def parameters(w) -> dict:
    """Values for every URL parameter: each URL is fetched once per combination."""
    return {
        "person_uuid": [w.person_a.uuid],
        "case_uuid": [w.case_a.uuid],
        "member_uuid": [w.member.uuid],
        "episode_uuid": [w.episode_a.uuid],
        "assessment_uuid": [w.assessment.uuid, w.draft.uuid, w.profile.uuid,
                            w.profile_draft.uuid],
        # a domain of the format-1 instrument, and the format-2 domain that holds the markers
        "domain_code": [w.version.parsed.domains[0].code, "engagement"],
        "factor_uuid": [w.profile_factor.uuid, w.profile_draft_factor.uuid],  # additional factors
        "screening_uuid": [w.screening.uuid],
        # an instrument's version, and the methodology's (approved, its draft, a new one)
        "version_uuid": [w.version.uuid, *(v.uuid for v in w.methodology_versions)],
        "item_code": ["BA1"],
        "key_date": ["expected_release"],
        "index": [0],
        "plan_uuid": [w.plan.uuid, w.draft_plan.uuid, w.support_plan.uuid],
        "goal_uuid": [w.plan.goals.first().uuid, w.draft_plan.goals.first().uuid],
        "step_uuid": [w.plan.goals.first().steps.first().uuid,
                      w.draft_plan.goals.first().steps.first().uuid,
                      w.release_step.uuid, w.release_step_na.uuid],  # plans' and release's
        "enrolment_uuid": [w.enrolment.uuid, w.ended_enrolment.uuid],
        # plans' sessions, and training's (recorded in J1, planned in J2)
        "session_uuid": [w.recorded_session.uuid, w.refused_session.uuid,
                         w.training_session.uuid, w.training_session_j2.uuid],
        "measure_uuid": [w.measure.uuid],
        "intervention_uuid": [w.mentoring.uuid],
        "observation_uuid": [w.observation.uuid, w.archived.uuid, w.own_observation.uuid,
                             w.own_reviewed.uuid],
        "link_uuid": [w.observation_link.uuid],
        "analysis_uuid": [w.analysis.uuid],
        "summary_uuid": [w.summary.uuid, w.expired_summary.uuid, w.withdrawn_summary.uuid],
        # a release pathway's, and the knowledge base's entries
        "entry_uuid": [w.pathway.uuid, *(e.uuid for e in w.kb_entries)],
        "attachment_uuid": [a.uuid for a in w.kb_attachments],
        "language": ["en", "sq"],
        "jurisdiction_code": ["J1", "J2"],
        "meeting_uuid": [w.meeting.uuid],
        "methodology_uuid": [w.methodology.uuid, w.new_methodology.uuid],
        "chapter_uuid": [c.uuid for c in w.chapters],
        "action_uuid": [w.support_action.uuid, w.conference_action.uuid],  # release's, coordination's
        "referral_uuid": [w.referral.uuid, w.referral_declined.uuid, w.referral_done.uuid],
        "conference_uuid": [w.conference.uuid, w.next_conference.uuid],
        "agreement_uuid": [w.agreement.uuid],
        "condition_uuid": [w.condition.uuid],
        "handover_uuid": [w.handover.uuid, w.handover_withdrawn.uuid],
        "follow_up_uuid": [w.follow_up_held.uuid, w.follow_up_missed.uuid],
        # POST-only addresses (marking done, read): a GET shows nothing, any id will do.
        "task_uuid": [uuid.uuid4()],
        "notification_uuid": [uuid.uuid4()],
        # monitoring: prison A's figures (manager A's) and prison J2's (manager J2's); a
        # jurisdiction's code or an indicator's (each also tried where it is the other: 404)
        "agency_uuid": [w.prison_a.uuid, w.prison_other.uuid],
        "code": ["J1", "J2", "screened"],
        "fmt": ["csv", "xlsx"],
        # retention: a review of person A's identity; a period's category
        "review_uuid": [retention_builders.review_item(w).uuid],
        "category": ["security"],
        # the user's own API tokens and sessions: POST-only; a GET shows nothing
        "token_id": ["unknown"],
        "session_id": ["unknown"],
    }


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}", prefix + str(p.pattern), p.pattern.converters


def urls(w) -> list[str]:
    """Every GET-able URL of the site and the API, filled from `parameters`."""
    import itertools
    import re

    values = parameters(w)
    result = []
    for name, route, converters in _patterns():
        if name.startswith(SKIPPED) or "static" in route or "None" in name:
            continue
        missing = [c for c in converters if c not in values]
        assert not missing, f"The canary walk cannot fill {missing} of {name}: add them."
        keys = list(converters)
        for combo in itertools.product(*(values[k] for k in keys)):
            url = "/" + route
            for key, value in zip(keys, combo, strict=True):
                url = re.sub(r"<(\w+:)?" + key + ">", str(value), url)
            result.append(url.replace("^", "").replace("$", ""))
    return result


@pytest.mark.slow
def test_every_marker_reaches_only_the_holders_of_its_compartment(walk_world):
    w = walk_world
    targets = urls(w)
    assert len(targets) > 40
    # Every free-text field flagged as holding special categories (core/special.py) holds a
    # marker, so that the walk checks it reaches only the holders of its compartment.
    unplanted = []
    for entry in SPECIAL_FIELDS:
        if entry.explicit and entry.name in ("category", "reason", "need_area", "bias_answers"):
            continue  # coded: a choice, not text a marker can go in
        values = apps.get_model(entry.model).objects.values_list(entry.name, flat=True)
        if not any(m in str(v) for v in values for m in w.markers):
            unplanted.append(entry.field)
    assert not unplanted, f"no marker planted in the special-category fields {unplanted}"
    seen = {marker: set() for marker in w.markers}
    leaks, unlogged, headers_wrong = [], [], []
    figures_shown = set()  # (persona, monitoring address) answered with 200
    reference = w.person_a.reference
    for persona in PERSONAS:
        client = login(getattr(w, persona))
        for target in targets:
            for url, headers in variants(target, w):
                last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
                response = client.get(url, **headers)
                body = b"".join(response) if response.streaming else response.content
                text = body.decode("utf-8", errors="replace")
                pdf = response.get("Content-Type", "").startswith("application/pdf")
                # The strict content-security policy and the other headers (test_headers.py).
                headers_wrong += [f"{persona} {url}: {p}" for p in header_problems(response)]
                if url.startswith(MONITORING):
                    unlogged += _monitoring_problems(last, persona, url, response.status_code)
                    if reference in text:
                        leaks.append(f"{persona} got {reference} from {url}")
                    if response.status_code == 200:
                        figures_shown.add((persona, url.split("?")[0]))
                elif response.status_code == 200 and url.startswith("/knowledge/") and pdf:
                    unlogged += _export_problems(last, persona, url)
                elif response.status_code == 200 and not url.startswith("/audit/") and (
                        pdf or reference in text):
                    unlogged += _consultation_problems(last, persona, url, w.person_a)
                if pdf:
                    continue  # compressed; the PDF's access is the assessment's (matrix)
                for marker, holders in w.markers.items():
                    if marker in text:
                        seen[marker].add(persona)
                        if persona not in HOLDERS[holders]:
                            leaks.append(f"{persona} got {marker} from {url}")
    assert not leaks, "\n".join(sorted(set(leaks)))
    assert not unlogged, "\n".join(unlogged)
    assert not headers_wrong, "\n".join(headers_wrong)
    # The monitoring figures were really walked: each level by whoever sees it, no one else.
    agency_a, agency_j2 = (f"/monitoring/agency/{a.uuid}/" for a in (w.prison_a, w.prison_other))
    assert {("manager_a", agency_a), ("manager_other", agency_j2),
            ("regional_coordinator", "/monitoring/region/"),
            ("regional_coordinator", "/monitoring/region/report.pdf"),
            ("regional_coordinator", "/monitoring/jurisdiction/J1/"),
            ("regional_coordinator", "/api/v1/statistics/"),
            ("manager_a", "/api/v1/statistics/")} <= figures_shown
    assert {p for p, url in figures_shown if url.startswith(SHOWS_FIGURES)} == {
        "manager_a", "manager_other", "regional_coordinator"}
    # The walk can fail: every marker was really shown to a holder somewhere.
    unseen = [m for m, who in seen.items() if not who]
    assert not unseen, f"never shown to anyone (the walk would not notice a leak): {unseen}"
    missed = [f"{m}: not shown to {sorted(HOLDERS[w.markers[m]] - seen[m])}"
              for m in sorted(w.exact_markers) if seen[m] != HOLDERS[w.markers[m]]]
    assert not missed, "\n".join(missed)


def variants(url, w) -> list[tuple[str, dict]]:
    """Each way a URL is fetched: the caseload also as its htmx partial; security material
    both without a purpose (the chooser, or a refusal) and with one (the material itself); the
    knowledge base's every tab (and the API's every scope); the monitoring figures for the
    current year (no period given) and the current month, and the statistics API at each
    level (prison A's and prison J2's figures, one jurisdiction's, the region's)."""
    if url == "/api/v1/statistics/":
        return [(f"{url}?{query}", {}) for query in (
            "level=region", "level=jurisdiction&jurisdiction=J1&period=" + _this_month(),
            f"level=facility&agency={w.prison_a.uuid}",
            f"level=facility&agency={w.prison_other.uuid}&period=" + _this_month())]
    if url.startswith(("/monitoring/agency/", "/monitoring/region/",
                       "/monitoring/jurisdiction/")) and url.endswith("/"):  # a dashboard
        return [(url, {}), (f"{url}?period={_this_month()}", {})]
    if url.startswith("/people/") and url.count("/") == 2:  # the caseload partial
        return [(url, {}), (url, {"HTTP_HX_REQUEST": "true"})]
    if url.startswith("/security/"):
        return [(url, {}), (f"{url}?purpose=review", {})]
    if url.startswith("/api/") and ("observation" in url or "shared-summar" in url):
        return [(url, {}), (url, {"HTTP_X_ALLIANCE_PURPOSE": "review"})]
    if url == "/knowledge/":  # each tab of the knowledge base
        return [(url, {}), (f"{url}?tab=review", {}), (f"{url}?tab=mine", {})]
    if url == "/api/v1/knowledge/":
        return [(url, {}), (f"{url}?scope=review", {}), (f"{url}?scope=mine", {})]
    return [(url, {})]


MONITORING = ("/monitoring/", "/api/v1/statistics/", "/api/v1/indicators/")
SHOWS_FIGURES = ("/monitoring/agency/", "/monitoring/region/", "/monitoring/jurisdiction/",
                 "/api/v1/statistics/")


def _this_month() -> str:
    return f"{timezone.localdate():%Y-%m}"


def _monitoring_problems(last_id, persona, url, status) -> list[str]:
    """Figures shown (a dashboard, an export, the report, the statistics API): exactly one
    event of the level and period, naming no person. Refused: exactly one denied event (a
    code that is no jurisdiction or no indicator: the site's one event for a 404). The
    definitions and the start page (a redirect) show no figure and leave none."""
    events = list(AuditEvent.objects.filter(id__gt=last_id or 0))
    seen = [(e.action, e.outcome, e.object_type, e.person_id) for e in events]
    path = url.split("?")[0]
    if status == 200 and url.startswith(SHOWS_FIGURES):
        expected = [("export" if "/export." in path or path.endswith(".pdf") else "view",
                     "success", "monitoring.statistics", None)]
    elif status == 403:
        expected = [("view", "denied", "monitoring.statistics", None)]
    elif status == 404:
        expected = [("view", "denied", "", None)]
    elif status in (200, 302, 405):
        expected = []
    else:
        return [f"{persona} GET {url}: unexpected {status}"]
    if seen != expected:
        return [f"{persona} GET {url} ({status}): events {seen}, expected {expected}"]
    return []


def _export_problems(last_id, persona, url) -> list[str]:
    """A printout that holds no person (the methodology's) must leave exactly one export event,
    naming nobody."""
    events = list(AuditEvent.objects.filter(id__gt=last_id or 0, outcome="success"))
    if [(e.action, e.person_id) for e in events] != [("export", None)]:
        return [f"{persona} GET {url}: {[(e.action, e.person_id) for e in events]}, not one "
                f"export naming nobody"]
    return []


def _consultation_problems(last_id, persona, url, person) -> list[str]:
    """A response that showed person A must have left exactly one consultation naming them."""
    events = list(AuditEvent.objects.filter(id__gt=last_id or 0, outcome="success",
                                            action__in=["view", "list", "search", "export"]))
    naming = [e for e in events if e.person_id == person.pk
              or person.reference in e.details.get("references", [])]
    if len(events) != 1 or len(naming) != 1:
        return [f"{persona} GET {url}: {len(events)} consultation events, {len(naming)} naming "
                f"{person.reference}"]
    return []


def test_the_walk_covers_the_api_and_the_exports(walk_world):
    targets = urls(walk_world)
    assert any(u.startswith("/api/v1/persons/") for u in targets)
    assert any("export" in u for u in targets)
    assert any("/pdf/" in u for u in targets)
    for prefix in ("/knowledge/", "/training/", "/api/v1/knowledge/", "/api/v1/meetings/",
                   "/api/v1/recommendations/", "/api/v1/methodology/", "/api/v1/training/",
                   "/monitoring/agency/", "/monitoring/region/report.pdf",
                   "/monitoring/jurisdiction/", "/api/v1/statistics/", "/api/v1/indicators/"):
        assert any(u.startswith(prefix) for u in targets), prefix


def test_searching_by_identity_finds_nothing_for_a_reference_only_user(walk_world):
    w = walk_world
    terms = ["CANARYGIVENQ CANARYFAMILYQ", "CANARYFAMILYQ", "CANARYALIASQ", "CANARYNIDQ"]
    ngo, probation = login(w.ngo_worker), login(w.probation_officer)
    for term in terms:
        for client, expected in ((ngo, 0), (probation, 1)):
            api = client.get("/api/v1/persons/", {"q": term}).json()
            assert api["count"] == expected, (term, api)
            page = client.get("/people/", {"q": term}, HTTP_HX_REQUEST="true")
            assert (w.person_a.reference in page.content.decode()) == bool(expected)
    # the reference itself is found by everyone who sees the person
    assert ngo.get("/api/v1/persons/", {"q": w.person_a.reference}).json()["count"] == 1


def test_a_name_search_runs_the_same_query_whether_or_not_the_name_exists(walk_world):
    """No difference in count, order or timing: the database does the same work for a name
    that belongs to a person the user may only know by reference as for a name nobody has."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alliance.people.selectors import CaseloadFilters, caseload_queryset

    def sql(term):
        with CaptureQueriesContext(connection) as ctx:
            list(caseload_queryset(walk_world.ngo_worker, CaseloadFilters(q=term)))
        # the term's keyed hash and its reference-prefix pattern are the only parameters
        return [re.sub(r"'[0-9a-f]{64}'", "?", q["sql"]).replace(term, "?")
                for q in ctx.captured_queries]

    sql("warm up")  # the user's access profile is loaded once per request
    assert sql("CANARYFAMILYQ") == sql("NOBODYHASTHISNAME")


def test_searching_the_knowledge_base_finds_an_entry_only_for_those_who_may_read_it(walk_world):
    """The search reads every language's text and the attachments' names of every entry: a
    restricted entry's words (its title, its file's name) find it for the holders of its
    marker alone, on the API (every entry the reader sees) and on the page's tabs."""
    w = walk_world
    terms = {}  # search term: (the entry, who may find it)
    for e in w.kb_entries:
        title = e.texts.get(language=e.original_language).title
        holders = HOLDERS[w.markers[title]] if title in w.markers else set(PERSONAS)
        terms[title] = (e, holders)
        for attachment in e.attachments.all():
            terms[attachment.file_name.removesuffix(".txt")] = (e, holders)
    assert len(terms) == len(w.kb_entries) + 2
    problems = []
    for persona in PERSONAS:
        client = login(getattr(w, persona))
        for term, (e, holders) in terms.items():
            api = {r["uuid"] for r in client.get("/api/v1/knowledge/", {"q": term})
                   .json()["results"]}
            pages = "".join(client.get("/knowledge/", {"q": term, "tab": tab}).content.decode()
                            for tab in ("published", "review", "mine"))
            found_api, found_page = str(e.uuid) in api, str(e.uuid) in pages
            if found_api != (persona in holders) or (found_page and persona not in holders):
                problems.append(f"{persona} searching {term}: API {found_api}, page "
                                f"{found_page}")
    assert not problems, "\n".join(problems)

"""Fictional demo data for coordination between agencies (DOMAIN.md §10).

* **Information-sharing agreements** of the home jurisdiction, signed by the demo DPO before any
  case team crosses an agency boundary (the agreement gate, people/access.py):
  - the prisons, probation and the Ministry's reintegration division: probation receives every
    category but the security records, the prisons receive what probation holds after a release,
    the division the identity, the case team's share, assessment summaries, plan progress and
    the release and support plan; its review is due in three weeks (a task for the DPO);
  - community mentoring with the NGO: the NGO receives the case team's share, plan progress and
    the release and support plan — no identity and no summaries of assessments or security;
  - a municipal social services pilot that lapsed last month: nobody crosses under it now.
* **Referrals** from Demo Prison A, one in each state: a draft to the NGO, one sent to the
  reintegration division (waiting, answer due in four days) and one sent to the NGO two weeks ago
  and not answered (overdue), one accepted by the NGO (demo.ngo joins the case team), one in
  progress with probation, one completed by the NGO with its outcomes, one declined by the
  division (no capacity), one withdrawn.
* **Case conferences**: for the person released in eleven months, one held five weeks ago
  (probation and the division attended; plan progress and the assessment summary shared; two
  decisions; three actions, one done since) and the next one in ten days, which opens with the
  two actions still open; for the person released in two months, the overdue pre-release case
  conference scheduled in three days — recording its minutes completes that step.

Idempotent: an agreement is found again by its reference, referrals and conferences by their
people (played once).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from alliance.cases.models import CaseTeamMember
from alliance.coordination.conferences import services as conferences
from alliance.coordination.models import CaseConference, Referral, ReferralKind, ResultOutcome
from alliance.coordination.referrals import services as referrals
from alliance.core.compartments import DataCategory as C
from alliance.organisations.models import AgreementParty, AgreementStatus, SharingAgreement
from alliance.people.models import KeyDateOverride, Person

from .release import REASONS
from .seed import HOME

EVERYTHING_BUT_SECURITY = [c for c in C.values if c != C.SECURITY]
DIVISION = [C.IDENTITY, C.CASE_TEAM, C.ASSESSMENT_SUMMARY, C.PLAN_PROGRESS, C.RELEASE_SUPPORT]
NGO = [C.CASE_TEAM, C.PLAN_PROGRESS, C.RELEASE_SUPPORT]


def _agreements(today):
    year = datetime.timedelta(days=365)
    return [
        {"reference": f"{HOME}-ISA-2025/01", "title": "Rehabilitation and reintegration of people "
         "convicted of violent extremist offences: prisons, probation and the reintegration "
         "division (demo)",
         "legal_basis": "Law on the Execution of Sanctions, arts. 12 and 204; Law on Personal Data "
         "Protection, art. 47 (fictional)",
         "purpose": "Planning and delivering rehabilitation, preparation for release and "
         "supervision after it",
         "retention": "Until the case closes, then 5 years",
         "valid_from": today - 2 * year, "valid_until": today + year,
         "review_due": today + datetime.timedelta(days=21),
         "parties": {"prison_a": EVERYTHING_BUT_SECURITY, "prison_b": EVERYTHING_BUT_SECURITY,
                     "probation": EVERYTHING_BUT_SECURITY, "reintegration": DIVISION}},
        {"reference": f"{HOME}-ISA-2025/02", "title": "Community mentoring with Pathways Community "
         "Association (demo)",
         "legal_basis": "Memorandum of cooperation 07/2025 with the Ministry of Justice (fictional)",
         "purpose": "Mentoring and practical support before and after release",
         "retention": "Until the mentoring ends, then 1 year",
         "valid_from": today - year, "valid_until": today + 2 * year,
         "review_due": today + datetime.timedelta(days=180),
         "parties": {"prison_a": [C.CASE_TEAM], "prison_b": [C.CASE_TEAM],
                     "probation": [C.CASE_TEAM], "ngo": NGO}},
        {"reference": f"{HOME}-ISA-2024/05", "title": "Municipal social services pilot (demo, "
         "lapsed)",
         "legal_basis": "Pilot protocol 2024 (fictional)",
         "purpose": "Housing and social assistance on release",
         "retention": "1 year after the pilot",
         "valid_from": today - 2 * year, "valid_until": today - datetime.timedelta(days=30),
         "review_due": today - datetime.timedelta(days=90),
         "parties": {"prison_a": [C.CASE_TEAM], "municipality": [C.CASE_TEAM, C.IDENTITY,
                                                                  C.RELEASE_SUPPORT]}},
    ]


def seed_agreements(users, agencies) -> int:
    """The home jurisdiction's agreements (see above). Returns how many were added now."""
    dpo = users["demo.dpo"]
    now, today = timezone.now(), timezone.localdate()
    added = 0
    for spec in _agreements(today):
        if SharingAgreement.objects.filter(reference=spec["reference"]).exists():
            continue
        parties = spec.pop("parties")
        with transaction.atomic():
            agreement = SharingAgreement.objects.create(
                **spec, status=AgreementStatus.IN_FORCE, signed_at=now, signed_by=dpo,
                created_by=dpo)
            AgreementParty.objects.bulk_create(
                AgreementParty(agreement=agreement, agency=agencies[(HOME, key)],
                               categories=list(categories))
                for key, categories in parties.items())
        added += 1
    return added


# --- referrals -----------------------------------------------------------------------------------

REFERRALS = [
    # (target agency key, kind, state, reason, desired results)
    ("ngo", ReferralKind.MENTORING, "draft",
     "Mentoring in the last months before release; he asked for a mentor from his home town.",
     ["A mentor met before release", "Weekly contact in the first three months after release"]),
    ("reintegration", ReferralKind.SUPPORT_SERVICE, "sent",
     "Help with identity documents and registering for social assistance before release.",
     ["Identity card issued before release", "Registered for social assistance"]),
    ("ngo", ReferralKind.MENTORING, "overdue",
     "Family mediation: contact with his parents broke down last year.",
     ["A first mediated meeting with the family"]),
    ("ngo", ReferralKind.MENTORING, "accepted",
     "Mentoring and help with finding work after release.",
     ["A mentor met before release", "A job interview within two months of release"]),
    ("probation", ReferralKind.SUPERVISION, "in_progress",
     "Pre-release report for the conditional release hearing and supervision planning.",
     ["Pre-release report delivered to the court"]),
    ("ngo", ReferralKind.MENTORING, "completed",
     "Vocational training in the prison workshop with the association's trainer.",
     ["Completes the welding course", "A certificate he can show employers"]),
    ("reintegration", ReferralKind.SUPPORT_SERVICE, "declined",
     "Supported housing after release: no family address is available.",
     ["A place in supported housing on the day of release"]),
    ("ngo", ReferralKind.MENTORING, "withdrawn",
     "Sports programme with the association's volunteers.",
     ["Attends the weekly sessions"]),
]


def _home_people(agencies, count: int, exclude) -> list:
    """People of Demo Prison A with an open case and no case-team place from the NGO, the
    division or probation (their worker joins on acceptance), in reference order."""
    home_a = agencies[(HOME, "prison_a")]
    crossing = CaseTeamMember.objects.filter(ended_at__isnull=True, case__status="open").exclude(
        agency=home_a).values_list("case__person_id", flat=True)
    return list(Person.objects.filter(responsible_agency=home_a, cases__status="open")
                .exclude(pk__in=crossing).exclude(pk__in=exclude).exclude(pk__in=_monitoring_people())
                .order_by("reference")[:count])


def seed_referrals(users, agencies) -> int:
    """The referrals above (once). Returns how many were made now."""
    home_a = agencies[(HOME, "prison_a")]
    if Referral.objects.filter(from_agency=home_a).exists():
        return 0
    manager, today = users["demo.manager"], timezone.localdate()
    workers = {"ngo": users["demo.ngo"], "reintegration": users["demo.reintegration"],
               "probation": users["demo.probation"]}
    people = _home_people(agencies, len(REFERRALS), exclude=_staged_people())
    for person, (key, kind, state, reason, results) in zip(people, REFERRALS, strict=False):
        with transaction.atomic():
            referral = referrals.referral_create(
                actor=manager, person=person, to_agency=agencies[(HOME, key)], kind=kind,
                reason=reason, results=results, send=state != "draft",
                respond_by=today + datetime.timedelta(days=4 if state == "sent" else 10))
            _play(referral, state, manager, workers[key], today)
            _backdate(referral, state)
    return len(people)


# Days after sending that the answer came (the response-time figures), and how long ago it was
# sent, for the referrals answered in the demo.
ANSWERED = {"accepted": (3, 12), "in_progress": (6, 40), "completed": (2, 120),
            "declined": (12, 30)}


def _backdate(referral, state) -> None:
    """Move a played referral's sending and answer back to when they happened (demo only: the
    audit trail keeps the real times)."""
    if state not in ANSWERED:
        return
    after, ago = ANSWERED[state]
    sent = timezone.now() - datetime.timedelta(days=ago)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=sent, respond_by=timezone.localdate(sent) + datetime.timedelta(days=10),
        responded_at=sent + datetime.timedelta(days=after))


def _play(referral, state, manager, worker, today) -> None:
    if state == "overdue":  # sent two weeks ago, answer due four days ago
        sent = timezone.now() - datetime.timedelta(days=14)
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=sent, respond_by=today - datetime.timedelta(days=4))
    elif state in ("accepted", "in_progress", "completed"):
        referral = referrals.referral_accept(actor=worker, referral=referral, worker=worker,
                                             expected_version=referral.version)
        if state != "accepted":
            referral = referrals.referral_start(actor=worker, referral=referral,
                                                expected_version=referral.version)
        if state == "completed":
            referrals.referral_complete(
                actor=worker, referral=referral, expected_version=referral.version,
                note="Completed the course with good attendance; keeps in touch with the trainer.",
                outcomes=[{"outcome": ResultOutcome.ACHIEVED, "note": ""},
                          {"outcome": ResultOutcome.PARTLY,
                           "note": "Certificate issued by the association, not yet by the "
                                   "ministry."}])
    elif state == "declined":
        referrals.referral_decline(actor=worker, referral=referral, reason="no_capacity",
                                   note="No place before spring; please refer again in March.",
                                   expected_version=referral.version)
    elif state == "withdrawn":
        referrals.referral_withdraw(actor=manager, referral=referral,
                                    reason="He was moved to Demo Prison B's programme instead.",
                                    expected_version=referral.version)


def _staged_people() -> list:
    """The people of the release demo (they keep their own story)."""
    return list(KeyDateOverride.objects.filter(reason__in=REASONS.values())
                .values_list("episode__person_id", flat=True))


# --- case conferences ------------------------------------------------------------------------------

def _staged(code: str):
    override = (KeyDateOverride.objects.filter(reason=REASONS[code])
                .select_related("episode__person").first())
    return override.episode.person if override else None


def seed_conferences(users, agencies) -> int:
    """The three conferences above (once). Returns how many were scheduled now."""
    eleven, two = _staged("in_eleven_months"), _staged("in_two_months")
    if eleven is None or two is None or CaseConference.objects.filter(
            person__in=[eleven, two]).exists():
        return 0
    manager, probation, division = (users["demo.manager"], users["demo.probation"],
                                    users["demo.reintegration"])
    security, treatment = users["demo.analyst"], users["demo.treatment"]
    now, today = timezone.now(), timezone.localdate()
    at_ten = now.replace(hour=10, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        held = conferences.conference_schedule(
            actor=manager, person=eleven, scheduled_for=at_ten - datetime.timedelta(days=35),
            place="Demo Prison A, meeting room 2",
            purpose="Sentence plan review and the first steps towards release.",
            attendees=[probation, division, treatment, security])
        conferences.conference_record_minutes(
            actor=manager, conference=held, expected_version=held.version,
            held_on=today - datetime.timedelta(days=35),
            summary="Good progress in the education programme; family contact still difficult. "
                    "Probation to start planning supervision early.",
            attended=[manager.pk, probation.pk, division.pk, treatment.pk, security.pk],
            shared=[(C.PLAN_PROGRESS, "Plan progress: education goal on track, 9 of 10 sessions "
                                      "attended."),
                    (C.ASSESSMENT_SUMMARY, "Assessment summary: moderate overall; needs in "
                                           "family ties and employment.")],
            decisions=["Refer to the reintegration division for identity documents.",
                       "Next conference in about six weeks."],
            actions=[("Contact the family about a visit before the next conference", treatment,
                      today - datetime.timedelta(days=5)),
                     ("Prepare the supervision plan outline", probation,
                      today + datetime.timedelta(days=20)),
                     ("Send the sentence calculation to probation", manager,
                      today - datetime.timedelta(days=28))])
        first = held.actions.order_by("due_on").first()
        conferences.action_close(actor=manager, action=first, status="done",
                                 note="Sent by post and by the secure channel.")
        conferences.conference_schedule(
            actor=manager, person=eleven, scheduled_for=at_ten + datetime.timedelta(days=10),
            place="Demo Prison A, meeting room 2",
            purpose="Follow-up of the open actions; the support plan with probation.",
            attendees=[probation, division, treatment])
        conferences.conference_schedule(
            actor=manager, person=two, scheduled_for=at_ten + datetime.timedelta(days=3),
            place="Online", purpose="Pre-release multi-agency case conference: the support plan, "
                                    "supervision conditions and the day of release.",
            attendees=[probation, division])
    return 3


def _monitoring_people():
    """The monitoring history's people (seeded last): never picked for the stories above, so
    that a second run picks the same people as the first."""
    from alliance.demo.monitoring import history  # the history's module imports this one

    return history()

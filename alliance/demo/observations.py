"""Fictional demo data for dynamic security (DOMAIN.md §7): about four months of observations
about ten people of the home prison A, recorded by its security officer, treatment officer and
manager; most of them reviewed by the security analyst (with feedback to the observer), some
linked, two archived, a few carrying escalation indicators; analyses of the people of most
concern; and summaries shared with demo.treatment and demo.probation — most in force, one
expired, one withdrawn.

Everything goes through alliance.observations.services, so the audit trail, the timeline, the
escalations' tasks, notifications and reassessment triggers are what real work leaves. The
services record and review "now"; the records' own dates (and their timeline entries, tasks and
notifications) are then moved back to when they happened (demo only: the audit trail keeps the
real times), and one summary's expiry is moved into the past, since the services refuse to share
until a past date. Idempotent: people who already have observations are skipped.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import Role
from alliance.observations import services
from alliance.observations.grading import DEFAULT_SCHEME
from alliance.observations.models import (
    Addendum,
    Analysis,
    Category,
    Observation,
    ObservationLink,
    ObservationStatus,
    SharedSummary,
)
from alliance.people.models import Person, TimelineEvent
from alliance.work import services as work_services
from alliance.work.models import Notification, Task

from .seed import HOME

PEOPLE = 10  # the first of prison A's people, by id
DAYS = 120  # how far back the observations go
ANY = ("1", "2", "3", "4", "5")  # handling codes (5×5×5, the demo jurisdiction's scheme)
SHAREABLE = ("1", "2", "3", "4")  # not 5: no summary may draw on it
PARTNERS = ("1", "2")  # a summary may go outside the recording agency, and to a role

# category -> (what was seen or heard, context, the officer's view); every text is fictional.
ENTRIES = {
    Category.BEHAVIOUR: [
        ("Refused to leave the cell for the morning count; came out when asked a second time.",
         "Landing, morning count.", "Seemed tired rather than defiant."),
        ("Has stayed in his cell during association all week, leaving only for meals.",
         "Association periods on the wing.", "A change from his usual routine."),
        ("Raised his voice at an officer over a late canteen order, then apologised.",
         "Canteen queue.", ""),
        ("Shaved his beard and asked to change his work placement.",
         "Weekly kit change.", "Could be personal; no other change seen."),
        ("Walked alone for the whole exercise period and spoke to nobody.", "Exercise yard.", ""),
        ("Followed every instruction during the cell search without comment.",
         "Routine cell search.", ""),
    ],
    Category.RELATIONSHIPS: [
        ("Sits with the same three prisoners at every meal; they wait until he sits down.",
         "Dining hall, lunch.", "He seems to hold some standing in the group."),
        ("Passed a folded note to a prisoner from another wing in the health-care queue.",
         "Health-care waiting area.", "Content not seen."),
        ("Asked to move into the cell of a prisoner he met in the education block.",
         "Request made to the wing officer.", ""),
        ("Two younger prisoners now stand beside him at prayer and follow him to the yard.",
         "Wing, afternoon.", "New in the last two weeks."),
        ("No longer sits with his former group; spends association with the workshop team.",
         "Association.", ""),
        ("Argued with his cellmate about the cleaning rota; they settled it themselves.",
         "Their cell.", ""),
    ],
    Category.COMMUNICATION: [
        ("Called his sister twice this week, as usual; they talked about his daughter's school.",
         "Call log, routine.", ""),
        ("Received a letter with a page in a language he says he does not read.",
         "Mail screening.", "A copy was passed to the analyst."),
        ("Asked how to add a new number to his approved call list; the number is abroad.",
         "Wing office.", ""),
        ("Visit from his brother; a calm conversation about family matters.",
         "Visits hall, Saturday.", ""),
        ("Has not used the phone since his mother's visit was cancelled.", "Call log.", ""),
        ("Wrote to a lawyer who is not on his file; handled as legal mail.", "Outgoing mail.",
         ""),
    ],
    Category.IDEOLOGY: [
        ('Said during association: "People like us will never be treated fairly here."',
         "Overheard, talking with two other prisoners.", "A grievance more than an ideology."),
        ("Has drawn a flag on his cell wall that he says is his home town's.", "Cell check.",
         "Not a symbol I recognise."),
        ("Told a younger prisoner not to listen to the prison imam, who \"works for the "
         "state\".", "Prayer room, after Friday prayers.", ""),
        ("Argued with another prisoner that violence is never justified, citing his own trial.",
         "Education block, break.", ""),
        ("Asked the chaplaincy for books on religious history and took the ones offered.",
         "Chaplaincy request.", ""),
    ],
    Category.INCIDENT: [
        ("Pushed another prisoner in the food queue; separated by staff, nobody hurt.",
         "Dining hall.", ""),
        ("A phone charger was found taped under his bed.", "Cell search.", ""),
        ("Stood back and took no part in a scuffle between two groups in the yard.",
         "Exercise yard.", "He kept out of it on purpose, it seemed."),
    ],
    Category.POSITIVE: [
        ("Helped a new arrival fill in his canteen and call forms.", "Admissions.", ""),
        ("Finished his kitchen shift early and helped clean up without being asked.",
         "Prison kitchen.", ""),
        ("Calmed an argument between two younger prisoners on the landing.", "Landing.",
         "A real help to staff."),
        ("Told the officer he has signed up for the secondary school classes.", "Wing office.",
         ""),
        ("Thanked the officer for the extra family visit and said it meant a lot.", "Visits.",
         ""),
        ("Talked about wanting to work as a carpenter after release.", "Workshop.", ""),
    ],
}

# Entries with escalation indicators: category, indicator codes, texts.
ESCALATIONS = [
    (Category.IDEOLOGY, ["glorifies_violence"],
     ('Said of an attack on the evening news: "They deserved it."', "TV room, evening.",
      "Said loudly, to be heard by the others.")),
    (Category.INCIDENT, ["threatens"],
     ('Told an officer who refused his request: "You will see what happens to you outside."',
      "Landing.", "Said in anger; he repeated it once calm.")),
    (Category.RELATIONSHIPS, ["recruits", "grouping"],
     ("Told two younger prisoners to stop talking to staff and to eat only with his group.",
      "Dining hall.", "Pressure on the younger ones is growing.")),
    (Category.INCIDENT, ["extremist_material"],
     ("Printed pages praising an armed group were found among his papers.", "Cell search.",
      "")),
    (Category.COMMUNICATION, ["network_contact"],
     ('Asked another prisoner to pass a message "to the brothers" through his visitor.',
      "Overheard on the landing.", "")),
]

FEEDBACK = ["", "", "", "Thank you: clear and useful.",
            "Good that you kept what you heard apart from your view.",
            "Useful. Next time, say who else was there.",
            "Read; it matches what the wing reported last week."]

ANALYSES = [
    "Over the last months the observations show a small group forming around him at meals and "
    "prayer, with two younger prisoners in particular, and one threat to staff. Nothing shows "
    "planning or outside contact. Keep the younger prisoners on other landings and keep him in "
    "education, where he engages.",
    "The entries show a grievance about his treatment more than a commitment to a cause; the "
    "material found in his cell is the one exception and was handed to the police liaison. "
    "His contact with his family is steady and a protective factor.",
    "A mixed picture: some pressure on others at meals, but steady work and family contact. "
    "No escalation since the one recorded; review again in a month.",
]

# What each shared summary says: sanitised, no source, no grading, no verbatim.
SUMMARIES = {
    "team": "The security sector has seen a change in who he spends time with on the wing this "
            "month. Please keep it in mind in sessions and with his family; nothing is asked of "
            "you. Ask the security analyst before passing this on.",
    "probation_old": "For release planning: no security concern about contacts outside at "
                     "present. Ask the security analyst for an update before the next panel.",
    "agency": "He has been under some pressure from other prisoners at meals. Sessions are "
              "not affected; he may ask to change his work placement.",
    "withdrawn": "Security has noted tension between him and other prisoners on his landing.",
    "probation": "For release planning: family contact is steady and he has kept out of "
                 "trouble on the wing. One earlier concern is no longer current.",
    "analysis": "The security sector's reading of the last months: the concern is a grievance "
                "about his treatment more than a cause. Education and family contact help.",
}


class _Story:
    """One person's observations, played through the services, then dated back."""

    def __init__(self, person, users, rng, now):
        self.person, self.rng, self.now = person, rng, now
        self.analyst, self.security = users["demo.analyst"], users["demo.security"]
        self.observers = [(users["demo.security"], 65), (users["demo.treatment"], 20),
                          (users["demo.manager"], 15)]
        self.indicators = {i.code: i for i in services.indicators_for(person.jurisdiction)}
        self.recorded: list[Observation] = []
        # What the services write is stamped from here on; what is dated back lies before.
        self.started = timezone.now()

    def dated(self, when, *, timeline=True, notices=True, tasks=True) -> None:
        """Move the timeline entries, notifications and tasks the last service calls wrote back
        to `when` (those it may have written: each is a query)."""
        if timeline:
            TimelineEvent.objects.filter(person=self.person,
                                         occurred_at__gte=self.started).update(occurred_at=when)
        if notices:
            Notification.objects.filter(created_at__gte=self.started).update(created_at=when)
        if tasks:
            Task.objects.filter(created_at__gte=self.started).update(created_at=when)

    def ago(self, days: float) -> datetime.datetime:
        return self.now - datetime.timedelta(days=days)

    # -- recording --

    def grading(self) -> dict:
        if self.rng.random() < 0.75:  # seen or heard by the officer
            source, information = self.rng.choice("AB"), "1"
        else:  # reported by someone else
            source, information = self.rng.choice("BCE"), self.rng.choice("234")
        handling = self.rng.choices("12345", weights=[40, 25, 25, 7, 3])[0]
        return {"source_reliability": source, "information_assessment": information,
                "handling_code": handling}

    def record(self, observed_at, category, texts, *, codes=(), observer=None,
               grading=None) -> Observation:
        verbatim, context, opinion = texts
        observer = observer or self.rng.choices(
            [u for u, _w in self.observers], weights=[w for _u, w in self.observers])[0]
        observation = services.observation_record(
            actor=observer, person=self.person, observed_at=observed_at, category=category,
            verbatim=verbatim, context=context, opinion=opinion,
            indicators=[self.indicators[c] for c in codes if c in self.indicators],
            **(grading or self.grading()))
        written = min(observed_at + datetime.timedelta(minutes=self.rng.randint(10, 240)),
                      self.now)
        Observation.objects.filter(pk=observation.pk).update(created_at=written,
                                                             updated_at=written)
        self.dated(written, notices=observation.escalated, tasks=observation.escalated)
        if observation.escalated:
            Task.objects.filter(source_uuid=observation.uuid).update(
                due_on=timezone.localdate(written) + datetime.timedelta(days=1))
        self.recorded.append(observation)
        return observation

    def review(self, observation, delay_hours: float) -> bool:
        """The analyst reads it `delay_hours` after it was observed, unless that is still to
        come (it stays new)."""
        when = _office_hours(observation.observed_at + datetime.timedelta(hours=delay_hours))
        if when >= self.now:
            return False
        services.observation_review(actor=self.analyst, observation=observation,
                                    expected_version=None,
                                    feedback=self.rng.choice(FEEDBACK))
        Observation.objects.filter(pk=observation.pk).update(reviewed_at=when, updated_at=when)
        if observation.escalated:
            Task.objects.filter(source_uuid=observation.uuid, closed_at__isnull=False).update(
                closed_at=when, updated_at=when)
        self.dated(when, timeline=False, tasks=False)
        return True

    # -- the analyst's work --

    def reviewed(self, reach=SHAREABLE, *, days_ago: float = 0) -> list[Observation]:
        """The person's reviewed observations (not archived) with these handling codes, read
        by the analyst before `days_ago`, oldest first."""
        return list(Observation.objects.filter(
            pk__in=[o.pk for o in self.recorded], handling_code__in=reach,
            reviewed_at__lt=self.ago(days_ago), status__in=[
                ObservationStatus.REVIEWED, ObservationStatus.LINKED,
                ObservationStatus.SHARED]).order_by("observed_at"))

    def link(self, first, second, note: str) -> None:
        link = services.observation_link(actor=self.analyst, observation=first, other=second,
                                         note=note)
        when = max(first.reviewed_at, second.reviewed_at) + datetime.timedelta(hours=2)
        ObservationLink.objects.filter(pk=link.pk).update(created_at=min(when, self.now))

    def share(self, key, days_ago, basis, *, recipients=(), roles=(), analysis=None,
              lasts=90) -> SharedSummary:
        """A summary shared `days_ago` for `lasts` days (in force while that is after today)."""
        when = self.ago(days_ago)
        expires_on = timezone.localdate(when) + datetime.timedelta(days=lasts)
        in_force = expires_on > timezone.localdate()
        summary = services.share_create(
            actor=self.analyst, person=self.person, summary=SUMMARIES[key],
            expires_on=expires_on if in_force else timezone.localdate()
            + datetime.timedelta(days=1),
            recipients=recipients, roles=roles, observations=basis, analysis=analysis)
        SharedSummary.objects.filter(pk=summary.pk).update(created_at=when, updated_at=when,
                                                           expires_on=expires_on)
        self.dated(when, tasks=False)
        return summary


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _office_hours(when: datetime.datetime) -> datetime.datetime:
    """`when`, or the next working morning if it falls outside 08:00–18:00 (the analyst's day)."""
    local = timezone.localtime(when)
    if 8 <= local.hour < 18:
        return when
    day = local.date() + datetime.timedelta(days=1 if local.hour >= 18 else 0)
    return _at(day, 8, local.minute)


def _times(rng, count: int, now) -> list[datetime.datetime]:
    """`count` moments of the last DAYS days in the wing's day (07:00 to 21:00), oldest first."""
    moments = []
    for _ in range(count):
        day = timezone.localdate(now) - datetime.timedelta(days=rng.randint(0, DAYS))
        at = _at(day, rng.randint(7, 20), rng.choice([0, 15, 30, 45]))
        moments.append(at if at < now else now - datetime.timedelta(hours=rng.randint(1, 5)))
    return sorted(moments)


# observations, category weights (in ENTRIES' order), recent ones the analyst has not read yet
PROFILES = {
    "concern": ((15, 18), [3, 4, 3, 3, 2, 2], 2),
    "mixed": ((8, 10), [3, 2, 2, 1, 1, 3], 1),
    "settled": ((3, 5), [2, 1, 2, 0, 0, 5], 0),
}
UNREAD_ESCALATION = datetime.timedelta(hours=36)  # younger escalations wait for the analyst


def _play(story, profile: str, escalations) -> None:
    """The profile's observations and the `escalations` ((index in ESCALATIONS, days ago)),
    each reviewed when the analyst would have read it: escalations within the day (except the
    newest, still waiting), most others within two days, some later (still new if recent)."""
    rng = story.rng
    (low, high), weights, backlog = PROFILES[profile]
    categories = list(ENTRIES)
    for at in _times(rng, rng.randint(low, high), story.now):
        category = rng.choices(categories, weights=weights)[0]
        story.record(at, category, rng.choice(ENTRIES[category]))
    waiting = set()
    for _ in range(backlog):  # some of them waiting longer than the 72 hours
        category = rng.choices(categories, weights=weights)[0]
        waiting.add(story.record(story.ago(rng.uniform(0.2, 5.5)), category,
                                 rng.choice(ENTRIES[category])).pk)
    for index, days_ago in escalations:
        category, codes, texts = ESCALATIONS[index]
        at = _at(timezone.localdate(story.now) - datetime.timedelta(days=days_ago), 14, 30)
        story.record(min(at, story.now - datetime.timedelta(hours=1)), category, texts,
                     codes=codes, observer=story.security,
                     grading={"source_reliability": "B", "information_assessment": "1",
                              "handling_code": "2"})
    story.recorded.sort(key=lambda o: o.observed_at)
    for observation in story.recorded:
        if observation.pk in waiting:
            continue
        if observation.escalated:
            if story.now - observation.observed_at > UNREAD_ESCALATION:
                story.review(observation, rng.uniform(1, 20))
        else:
            story.review(observation, rng.uniform(3, 48) if rng.random() < 0.85
                         else rng.uniform(72, 150))


def _analysis(story, text: str, days_ago: float) -> Analysis:
    analysis = services.analysis_save(actor=story.analyst, person=story.person, text=text,
                                      observations=story.reviewed(ANY, days_ago=days_ago)[-8:])
    when = story.ago(days_ago)
    Analysis.objects.filter(pk=analysis.pk).update(created_at=when, updated_at=when)
    return analysis


def _concern(story, users, *, on_probation_team: bool, first: bool) -> None:
    """Links, an addendum, an analysis, and summaries: to the treatment officer (named) and —
    when the probation officer is on the case team — to them too (an earlier one expired)."""
    _play(story, "concern", [(0, 58), (2, 1)] if first else [(1, 34), (3, 4)])
    linkable = story.reviewed(ANY)
    for older, newer in zip(linkable[:6:2], linkable[1:6:2], strict=False):
        story.link(older, newer, "The same group, seen from two sides.")
    escalated = [o for o in linkable if o.escalated]
    if escalated:
        addendum = services.addendum_add(
            actor=escalated[0].recorded_by, observation=escalated[0],
            text="Correction: two other prisoners were present, not one.")
        Addendum.objects.filter(pk=addendum.pk).update(
            created_at=escalated[0].reviewed_at + datetime.timedelta(days=1))
    analysis = _analysis(story, ANALYSES[0 if first else 1], 6)
    recipients = [users["demo.treatment"]] + ([users["demo.probation"]]
                                              if on_probation_team else [])
    basis = story.reviewed(PARTNERS, days_ago=5)[-4:]
    if basis:
        story.share("team" if first else "analysis", 5, basis, recipients=recipients,
                    analysis=None if first else analysis)
    earlier = story.reviewed(PARTNERS, days_ago=80)[:3]
    if on_probation_team and earlier:
        story.share("probation_old", 80, earlier, recipients=[users["demo.probation"]],
                    lasts=60)


def _mixed(story, users, *, on_probation_team: bool, escalation: bool) -> None:
    """A link; with an escalation, an analysis and a summary to the case team's treatment
    officers (by role) that was later withdrawn; else a summary to the probation officer and
    the case managers, or to the treatment officer."""
    _play(story, "mixed", [(4, 20)] if escalation else [])
    reviewed = story.reviewed(ANY)
    if len(reviewed) >= 2:
        story.link(reviewed[0], reviewed[1], "Same incident, two observers.")
    if escalation:
        _analysis(story, ANALYSES[2], 15)
        basis = story.reviewed(PARTNERS, days_ago=18)[-2:]
        if basis:
            summary = story.share("withdrawn", 18, basis, roles=[Role.TREATMENT_OFFICER])
            services.share_withdraw(actor=story.analyst, summary=summary,
                                    expected_version=None,
                                    reason="Replaced by a conversation with the case manager.")
            withdrawn_at = story.ago(9)
            SharedSummary.objects.filter(pk=summary.pk).update(withdrawn_at=withdrawn_at,
                                                               updated_at=withdrawn_at)
    elif on_probation_team:
        basis = story.reviewed(PARTNERS, days_ago=12)[-3:]
        if basis:
            story.share("probation", 12, basis, recipients=[users["demo.probation"]],
                        roles=[Role.CASE_MANAGER])
    else:
        basis = story.reviewed(SHAREABLE, days_ago=25)[-2:]
        if basis:
            story.share("agency", 25, basis, recipients=[users["demo.treatment"]])


def _settled(story, users, *, archive: bool) -> None:
    """A few routine and positive entries; with `archive`, the oldest put away with a reason."""
    _play(story, "settled", [])
    candidates = [o for o in story.reviewed(ANY) if o.category != Category.POSITIVE]
    if archive and candidates:
        services.observation_archive(
            actor=story.analyst, observation=candidates[0], expected_version=None,
            reason="Explained since by the wing; nothing further seen. No longer current.")


def seed_observations(users, agencies) -> int:
    """About four months of dynamic security for the first PEOPLE people of the home prison A.
    Returns how many observations were recorded (none when they were there already)."""
    home_a = agencies[(HOME, "prison_a")]
    if services.settings_for(home_a.jurisdiction).grading_scheme != DEFAULT_SCHEME:
        return 0  # the demo's entries are graded in the default scheme (5×5×5)
    now = timezone.now()
    people = list(Person.objects.filter(responsible_agency=home_a).exclude(pk__in=_monitoring_people())
                  .order_by("id")[:PEOPLE])
    observed = set(Observation.objects.filter(person__in=people)
                   .values_list("person_id", flat=True))
    probation_team = set(Person.objects.filter(
        pk__in=[p.pk for p in people], cases__status="open",
        cases__team__user=users["demo.probation"], cases__team__ended_at__isnull=True)
        .values_list("pk", flat=True))
    on_team = [p for p in people if p.pk in probation_team]
    others = [p for p in people if p.pk not in probation_team]
    plays = [(on_team[:1], _concern, {"on_probation_team": True, "first": True}),
             (others[:1], _concern, {"on_probation_team": False, "first": False}),
             (on_team[1:2], _mixed, {"on_probation_team": True, "escalation": False}),
             (others[1:2], _mixed, {"on_probation_team": False, "escalation": True}),
             (others[2:3], _mixed, {"on_probation_team": False, "escalation": False})]
    cast = {p.pk for chosen, _play_of, _options in plays for p in chosen}
    rest = [p for p in people if p.pk not in cast]
    plays += [([p], _settled, {"archive": k < 2}) for k, p in enumerate(rest)]
    before = Observation.objects.count()
    for chosen, play, options in plays:
        for person in chosen:
            if person.pk in observed:
                continue
            rng = random.Random(7000 + people.index(person))  # noqa: S311 - fictional data
            with transaction.atomic():
                play(_Story(person, users, rng, now), users, **options)
    _associates(on_team[:1] + others[:1], users["demo.analyst"])
    _read_older(now)
    return Observation.objects.count() - before


def _associates(people, analyst) -> None:
    """The two people of most concern seen in the same group: an entry of each, linked (once)."""
    entries = [Observation.objects.filter(person=p, category=Category.RELATIONSHIPS,
                                          reviewed_at__isnull=False)
               .exclude(status=ObservationStatus.ARCHIVED).order_by("observed_at").first()
               for p in people]
    if len(entries) < 2 or None in entries:
        return
    first, second = sorted(entries, key=lambda o: o.pk)
    if not ObservationLink.objects.filter(first=first, second=second).exists():
        services.observation_link(actor=analyst, observation=first, other=second,
                                  note="Both entries describe the same group at meals.")


def _read_older(now) -> None:
    """The demo users have read dynamic security's notices older than a week."""
    kinds = ["observation_escalated", "observation_read", "summary_shared"]
    for note in (Notification.objects.filter(kind__in=kinds, read_at__isnull=True,
                                             created_at__lt=now - datetime.timedelta(days=7))
                 .select_related("recipient", "person")):
        work_services.notification_read(actor=note.recipient, notification=note)


def _monitoring_people():
    """The monitoring history's people (seeded last): never picked for the stories above, so
    that a second run picks the same people as the first."""
    from alliance.demo.monitoring import history  # the history's module imports this one

    return history()

"""Knowledge-base records built through the services, in each state the cross-cutting security
tests need (tests/security/: the canary walk, the policy equivalence, the audit gaps; and
tests/test_query_counts.py). Every text is written as a user would write it (the person-data
check confirmed), every status reached by the actor the workflow names."""

from django.core.files.uploadedfile import SimpleUploadedFile

from alliance.accounts.models import Role
from alliance.knowledge.entries import services as entries
from alliance.knowledge.methodology import services as methodology
from alliance.knowledge.models import EntryKind, Theme
from alliance.knowledge.training import services as training

from ..factories import member
from .training import builders as training_builders


def knowledge_staff(w):
    """The knowledge base's staff who are no persona of the walk: a knowledge editor in each
    jurisdiction (they review) and a trainer in each (they record sessions)."""
    if not hasattr(w, "editor_j1"):
        w.editor_j1 = member(w.admin_hq, Role.KNOWLEDGE_EDITOR, username="editor_j1")
        w.editor_j2 = member(w.prison_other, Role.KNOWLEDGE_EDITOR, username="editor_j2")
        w.trainer = training_builders.trainer_of(w)
        w.trainer_j2 = member(w.prison_other, Role.TRAINER, username="trainer_j2")
    return w


def text_file(name: str, body: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body.encode(), content_type="text/plain")


def written(author, *, title, jurisdiction, kind=EntryKind.GOOD_PRACTICE,
            description="Weekly conversations built trust.", findings="",
            themes=(Theme.MOTIVATION,), attachment=None):
    """A draft by `author` (an attachment, `(name, body)`, if given)."""
    entry = entries.entry_create(actor=author, kind=kind, jurisdiction=jurisdiction,
                                 target_group="vep", language="en", title=title,
                                 description=description, findings=findings,
                                 themes=list(themes), confirmed=True)
    if attachment:
        entries.attachment_add(actor=author, entry=entry, upload=text_file(*attachment),
                               confirmed=True)
    return entry


def submitted(entry):
    return entries.entry_submit(actor=entry.author, entry=entry, expected_version=None)


def reviewed(entry, reviewer, note=""):
    return entries.entry_review(actor=reviewer, entry=submitted(entry), expected_version=None,
                                note=note, confirmed=True)


def returned(entry, reviewer, note):
    return entries.entry_return(actor=reviewer, entry=submitted(entry), expected_version=None,
                                note=note, confirmed=True)


def published(entry, reviewer, coordinator):
    return entries.entry_publish(actor=coordinator, entry=reviewed(entry, reviewer),
                                 expected_version=None)


def withdrawn(entry, coordinator, reason):
    return entries.entry_withdraw(actor=coordinator, entry=entry, expected_version=None,
                                  reason=reason, confirmed=True)


def methodology_with_draft(coordinator, *, title="Common methodology", citations=()):
    """A methodology whose version 1 (one chapter, citing `citations`) is approved, and its
    version 2 started (a draft copy)."""
    m = methodology.methodology_create(actor=coordinator, title=title, confirmed=True)
    v1 = m.versions.get()
    methodology.chapter_add(actor=coordinator, version=v1, title="Principles",
                            body="Rehabilitation rests on individual assessment.",
                            citations=[e.uuid for e in citations], confirmed=True)
    v1 = methodology.version_approve(actor=coordinator, version=v1, expected_version=None)
    v2 = methodology.version_start(actor=coordinator, methodology=m)
    return m, v1, v2


def recorded_session(w, *, attendees, notes="", results=None, agency=None):
    """A session a week ago, organised by `agency` (Jurisdiction One's prison administration),
    with `attendees`, its results recorded by its trainer: `results` {user: (result, note)},
    every attendee passed without a note by default."""
    knowledge_staff(w)
    session = training_builders.session(w, attendees=attendees, notes=notes, agency=agency,
                                        confirmed=True)
    results = results or {user: ("passed", "") for user in attendees}
    rows = [{"user": user, "result": result, "score": None, "note": note}
            for user, (result, note) in results.items()]
    return training.results_record(actor=w.trainer, session=session,
                                   expected_version=session.version, results=rows,
                                   confirmed=True)

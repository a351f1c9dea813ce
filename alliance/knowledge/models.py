"""The regional knowledge base, the common methodology and training (DOMAIN.md §2 and §11).

* **Knowledge entries**: a good practice, a lesson learnt, an identified weakness, a
  recommendation or a paper, with its jurisdiction (none: the regional programme's), themes,
  target group, organisation and, in one or several languages (EntryText), its title,
  objectives, description and findings; attachments stored encrypted in the database.
  Draft (the author's, and the reviewers' of its jurisdiction once submitted) → reviewed (the
  jurisdiction's) → published (everyone signed in) → withdrawn. No entry holds person-level
  data: every text is checked on the way in (entries/screening.py).
* **Meetings**: the working groups and trainings of the regional programme, with participants by
  jurisdiction, agenda, outcomes and the entries presented.
* **Recommendation adoption**: for each published recommendation, where each jurisdiction stands.
* **The common methodology**: numbered versions (one draft at a time) of chapters that cite
  published entries; an approved version is frozen, the next starts as its copy.
* **Training sessions**: a course held by a trainer, with its attendees and results; a pass
  creates or renews the attendee's certification (assessments.Certification), a booster moves
  its booster date.

No model here points at a person (people.Person): this app holds no person-level data.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alliance.core.models import PublicModel, VersionedModel

MAX_TEXT = 20_000


class ContentLanguage(models.TextChoices):
    """The languages knowledge content is written in (not only the interface's)."""

    EN = "en", "English"
    SQ = "sq", "Shqip"
    SR_LATN = "sr-latn", "Srpski (latinica)"
    SR_CYRL = "sr-cyrl", "Српски (ћирилица)"
    MK = "mk", "Македонски"
    BS = "bs", "Bosanski"
    HR = "hr", "Hrvatski"
    CNR = "cnr", "Crnogorski"


# --- entries -------------------------------------------------------------------------------------

class EntryKind(models.TextChoices):
    GOOD_PRACTICE = "good_practice", _("Good practice")
    LESSON_LEARNT = "lesson_learnt", _("Lesson learnt")
    WEAKNESS = "weakness", _("Identified weakness")
    RECOMMENDATION = "recommendation", _("Recommendation")
    PAPER = "paper", _("Paper")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("knowledge entry", "Draft")
    REVIEWED = "reviewed", pgettext_lazy("knowledge entry", "Reviewed")
    PUBLISHED = "published", pgettext_lazy("knowledge entry", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("knowledge entry", "Withdrawn")


class Theme(models.TextChoices):
    MOTIVATION = "motivation", _("Motivation of resistant prisoners")
    DYNAMIC_SECURITY = "dynamic_security", _("Dynamic security")
    PRE_RELEASE = "pre_release", _("Pre-release preparation")
    POST_RELEASE = "post_release", _("Post-release support")
    FAMILY_WORK = "family_work", _("Family work")
    IDEOLOGICAL_DIALOGUE = "ideological_dialogue", _("Ideological and theological dialogue")
    WORKING_ALLIANCE = "working_alliance", _("The working alliance")
    RISK_ASSESSMENT = "risk_assessment", _("Risk and needs assessment")
    INTERAGENCY = "interagency", _("Cooperation between agencies")
    STAFF = "staff", _("Staff training and support")
    EDUCATION_WORK = "education_work", _("Education and work")
    WOMEN_CHILDREN = "women_children", _("Women and children")


class TargetGroup(models.TextChoices):
    VEP = "vep", _("Violent extremist prisoners")
    AT_RISK = "at_risk", _("Prisoners at risk of radicalisation")
    RELEASED = "released", _("People after release")
    FAMILIES = "families", _("Families")
    STAFF = "staff", _("Prison and probation staff")
    COMMUNITY = "community", _("Communities and providers")


class KnowledgeEntry(VersionedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=EntryStatus.choices,
                              default=EntryStatus.DRAFT, db_index=True)
    jurisdiction = models.ForeignKey(
        "organisations.Jurisdiction", verbose_name=_("jurisdiction"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="knowledge_entries",
        help_text=_("Empty: the regional programme's."))
    agency = models.ForeignKey(
        "organisations.Agency", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="knowledge_entries")
    organisation = models.CharField(_("other organisation"), max_length=200, blank=True,
                                    help_text=_("An organisation that is not in Alliance."))
    target_group = models.CharField(_("target group"), max_length=20,
                                    choices=TargetGroup.choices)
    original_language = models.CharField(_("original language"), max_length=10,
                                         choices=ContentLanguage.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"),
                               on_delete=models.PROTECT, related_name="knowledge_entries")
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True, max_length=MAX_TEXT)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True,
                                        db_index=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True,
                                         max_length=MAX_TEXT)
    interventions = models.ManyToManyField(
        "plans.Intervention", verbose_name=_("interventions it supports"), blank=True,
        related_name="evidence_entries")
    # Every language's text, transliterated to Latin, folded and lowercased (entries/search.py):
    # what the full-text search reads on both databases.
    search_document = models.TextField(default="", blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-updated_at"]
        verbose_name = _("knowledge entry")
        verbose_name_plural = _("knowledge entries")

    def __str__(self):
        text = self.texts.filter(language=self.original_language).first()
        return text.title if text else str(self.uuid)


class EntryTheme(models.Model):
    entry = models.ForeignKey(KnowledgeEntry, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(_("theme"), max_length=30, choices=Theme.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "theme"],
                                               name="entry_theme_unique")]


class EntryText(models.Model):
    """An entry's text in one language (the original, or a translation)."""

    entry = models.ForeignKey(KnowledgeEntry, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=10, choices=ContentLanguage.choices)
    title = models.CharField(_("title"), max_length=300)
    objectives = models.TextField(_("objectives"), blank=True, max_length=MAX_TEXT)
    description = models.TextField(_("description"), max_length=MAX_TEXT)
    findings = models.TextField(_("findings"), blank=True, max_length=MAX_TEXT)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"),
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language"]
        verbose_name = _("entry text")
        verbose_name_plural = _("entry texts")
        constraints = [models.UniqueConstraint(fields=["entry", "language"],
                                               name="entry_text_one_per_language")]


class Attachment(PublicModel):
    """A file attached to an entry; its bytes are in AttachmentData, encrypted (Fernet, the
    field keys), so that lists never load them."""

    entry = models.ForeignKey(KnowledgeEntry, on_delete=models.CASCADE,
                              related_name="attachments")
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["file_name"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.file_name


class AttachmentData(models.Model):
    attachment = models.OneToOneField(Attachment, on_delete=models.CASCADE, primary_key=True,
                                      related_name="data")
    ciphertext = models.BinaryField()


# --- meetings ------------------------------------------------------------------------------------

class MeetingKind(models.TextChoices):
    WORKING_GROUP = "working_group", _("Working-group meeting")
    TRAINING = "training", _("Training")


class Meeting(VersionedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("date"), db_index=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, max_length=MAX_TEXT)
    outcomes = models.TextField(_("outcomes"), blank=True, max_length=MAX_TEXT)
    entries = models.ManyToManyField(KnowledgeEntry, verbose_name=_("entries presented"),
                                     blank=True, related_name="presented_at")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return self.title


class MeetingParticipation(models.Model):
    """How many took part from one jurisdiction (none: the regional programme), and who."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE,
                                related_name="participations")
    jurisdiction = models.ForeignKey("organisations.Jurisdiction", null=True, blank=True,
                                     verbose_name=_("jurisdiction"), on_delete=models.PROTECT,
                                     related_name="+")
    participants = models.PositiveSmallIntegerField(_("participants"))
    names = models.TextField(_("names and agencies"), blank=True, max_length=MAX_TEXT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "jurisdiction"],
                                               name="meeting_participation_unique")]


# --- recommendations -----------------------------------------------------------------------------

class AdoptionStatus(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class RecommendationAdoption(VersionedModel):
    """Where one jurisdiction stands on one published recommendation (no row: not considered)."""

    entry = models.ForeignKey(KnowledgeEntry, on_delete=models.CASCADE,
                              related_name="adoptions", verbose_name=_("recommendation"))
    jurisdiction = models.ForeignKey("organisations.Jurisdiction", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("jurisdiction"))
    status = models.CharField(_("status"), max_length=20, choices=AdoptionStatus.choices)
    note = models.TextField(_("note"), blank=True, max_length=MAX_TEXT)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"),
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["jurisdiction__name"]
        verbose_name = _("recommendation adoption")
        verbose_name_plural = _("recommendation adoptions")
        constraints = [models.UniqueConstraint(fields=["entry", "jurisdiction"],
                                               name="adoption_one_per_jurisdiction")]


# --- the common methodology ----------------------------------------------------------------------

class Methodology(PublicModel):
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=MAX_TEXT)

    class Meta:
        ordering = ["title"]
        verbose_name = _("methodology")
        verbose_name_plural = _("methodologies")

    def __str__(self):
        return self.title


class MethodologyStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("methodology version", "Draft")
    APPROVED = "approved", pgettext_lazy("methodology version", "Approved")


class MethodologyVersion(VersionedModel):
    methodology = models.ForeignKey(Methodology, on_delete=models.CASCADE,
                                    related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=MethodologyStatus.choices,
                              default=MethodologyStatus.DRAFT)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("based on"))
    change_summary = models.TextField(_("what changed"), blank=True, max_length=MAX_TEXT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"),
                                   on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["methodology", "-number"]
        verbose_name = _("methodology version")
        verbose_name_plural = _("methodology versions")
        constraints = [
            models.UniqueConstraint(fields=["methodology", "number"],
                                    name="methodology_version_number_unique"),
            models.UniqueConstraint(fields=["methodology"],
                                    condition=models.Q(status="draft"),
                                    name="methodology_one_draft"),
        ]

    def __str__(self):
        return f"{self.methodology} v{self.number}"


class Chapter(VersionedModel):
    """One chapter of a version; `key` is stable from version to version (the change view
    pairs chapters by it)."""

    # Not "version": that is the edit counter every VersionedModel has (409 on a stale edit).
    methodology_version = models.ForeignKey(MethodologyVersion, on_delete=models.CASCADE,
                                            related_name="chapters",
                                            verbose_name=_("methodology version"))
    key = models.SlugField(_("key"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True, max_length=100_000)
    citations = models.ManyToManyField(KnowledgeEntry, verbose_name=_("entries cited"),
                                       blank=True, related_name="cited_in")
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("last edited by"),
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        constraints = [models.UniqueConstraint(fields=["methodology_version", "key"],
                                               name="chapter_key_unique")]

    def __str__(self):
        return self.title


# --- training ------------------------------------------------------------------------------------

class SessionKind(models.TextChoices):
    CERTIFICATION = "certification", _("Certification course")
    BOOSTER = "booster", _("Booster")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RECORDED = "recorded", _("Results recorded")


class TrainingSession(VersionedModel):
    course = models.ForeignKey("assessments.Course", verbose_name=_("course"),
                               on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices,
                            default=SessionKind.CERTIFICATION)
    starts_on = models.DateField(_("date"), db_index=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    agency = models.ForeignKey("organisations.Agency", verbose_name=_("organised by"),
                               on_delete=models.PROTECT, related_name="training_sessions")
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("trainer"),
                                on_delete=models.PROTECT, related_name="sessions_trained")
    status = models.CharField(_("status"), max_length=20, choices=SessionStatus.choices,
                              default=SessionStatus.PLANNED)
    notes = models.TextField(_("notes"), blank=True, max_length=MAX_TEXT)
    recorded_at = models.DateTimeField(_("results recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self):
        return f"{self.course} — {self.starts_on}"


class AttendanceResult(models.TextChoices):
    PENDING = "pending", _("Not recorded")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")
    ABSENT = "absent", _("Absent")


class TrainingAttendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE,
                                related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("attendee"),
                             on_delete=models.PROTECT, related_name="training_attendances")
    result = models.CharField(_("result"), max_length=20, choices=AttendanceResult.choices,
                              default=AttendanceResult.PENDING)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # The certification the pass created or renewed (a booster: the one whose booster it was).
    certification = models.ForeignKey("assessments.Certification", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("certification"))

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [models.UniqueConstraint(fields=["session", "user"],
                                               name="attendance_one_per_user")]

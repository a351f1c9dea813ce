import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.models import PublicModel
from alliance.organisations.models import AgencyType


class Role(models.TextChoices):
    SECURITY_OFFICER = "security_officer", _("Security officer")
    SECURITY_ANALYST = "security_analyst", _("Security analyst")
    TREATMENT_OFFICER = "treatment_officer", _("Treatment officer")
    CASE_MANAGER = "case_manager", _("Case manager")
    PRISON_MANAGER = "prison_manager", _("Prison manager")
    PROBATION_OFFICER = "probation_officer", _("Probation officer")
    REINTEGRATION_OFFICER = "reintegration_officer", _("Reintegration officer")
    COMMUNITY_PROVIDER = "community_provider", _("Community provider")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")
    SYSTEM_ADMINISTRATOR = "system_administrator", _("System administrator")
    KNOWLEDGE_EDITOR = "knowledge_editor", _("Knowledge editor")
    TRAINER = "trainer", _("Trainer")


class Sector(models.TextChoices):
    SECURITY = "security", _("Security")
    TREATMENT = "treatment", _("Treatment")
    MANAGEMENT = "management", _("Management")


class User(AbstractUser):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username


class Membership(PublicModel):
    """A user's place in an agency: the roles they hold there and, in a prison, their sector.

    Everything a user may see follows from their active memberships (see accounts/access.py).
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="memberships")
    agency = models.ForeignKey("organisations.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="memberships")
    roles = models.JSONField(_("roles"), default=list)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # A grant that widens access (a role added, another sector, reactivation) waits here for a
    # second administrator's approval (accounts/services.py); until then `roles`, `sector` and
    # `is_active` keep what was approved before.
    requested = models.JSONField(_("waiting for approval"), null=True, blank=True)
    requested_by = models.ForeignKey(User, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="membership_unique_agency")
        ]

    def __str__(self):
        return f"{self.user} @ {self.agency}"

    def clean(self):
        unknown = set(self.roles) - set(Role.values)
        if unknown:
            raise ValidationError({"roles": _("Unknown role: %(roles)s") % {
                "roles": ", ".join(sorted(unknown))}})
        if not self.roles:
            raise ValidationError({"roles": _("Choose at least one role.")})
        in_prison = self.agency_id and self.agency.type == AgencyType.PRISON
        if self.sector and not in_prison:
            raise ValidationError({"sector": _("Only prison staff belong to a sector.")})
        if in_prison and not self.sector and set(self.roles) & PRISON_SECTOR_ROLES:
            raise ValidationError({"sector": _("Choose the sector this person works in.")})

    def get_roles_display(self) -> str:
        labels = dict(Role.choices)
        return ", ".join(str(labels.get(r, r)) for r in self.roles)


# Roles that never work with individual people (DOMAIN.md §2); every other role is casework.
NON_CASEWORK_ROLES = frozenset({Role.REGIONAL_COORDINATOR, Role.DATA_PROTECTION_OFFICER,
                                Role.SYSTEM_ADMINISTRATOR, Role.KNOWLEDGE_EDITOR, Role.TRAINER})
CASEWORK_ROLES = frozenset(Role.values) - NON_CASEWORK_ROLES

PRISON_SECTOR_ROLES = {
    Role.SECURITY_OFFICER, Role.SECURITY_ANALYST, Role.TREATMENT_OFFICER, Role.CASE_MANAGER,
    Role.PRISON_MANAGER,
}

"""Who a user is, in access terms: their active memberships, loaded once per request.

Every other access.py builds on `profile_for(user)`; no access decision reads memberships itself.
"""

from dataclasses import dataclass, field

from .models import Role


@dataclass(frozen=True)
class Grant:
    agency_id: int
    agency: object
    jurisdiction_id: int | None
    agency_type: str
    sector: str
    roles: frozenset[str]


@dataclass
class Profile:
    user: object
    grants: list[Grant] = field(default_factory=list)

    def has_role(self, *roles: str) -> bool:
        return any(g.roles & set(roles) for g in self.grants)

    def grants_with(self, *roles: str) -> list[Grant]:
        return [g for g in self.grants if g.roles & set(roles)]

    @property
    def primary_agency(self):
        return self.grants[0].agency if self.grants else None

    @property
    def roles(self) -> set[str]:
        return set().union(*(g.roles for g in self.grants)) if self.grants else set()

    @property
    def is_regional_coordinator(self) -> bool:
        return self.has_role(Role.REGIONAL_COORDINATOR)

    @property
    def is_dpo(self) -> bool:
        return self.has_role(Role.DATA_PROTECTION_OFFICER)

    @property
    def is_system_administrator(self) -> bool:
        return self.user.is_superuser or self.has_role(Role.SYSTEM_ADMINISTRATOR)


def profile_for(user) -> Profile:
    """The user's access profile, cached on the user object for the rest of the request."""
    cached = getattr(user, "_alliance_profile", None)
    if cached is not None:
        return cached
    profile = Profile(user=user)
    if user.is_authenticated and user.is_active:
        memberships = (
            user.memberships.filter(is_active=True, agency__is_active=True)
            .select_related("agency")
            .order_by("id")
        )
        profile.grants = [
            Grant(
                agency_id=m.agency_id,
                agency=m.agency,
                jurisdiction_id=m.agency.jurisdiction_id,
                agency_type=m.agency.type,
                sector=m.sector,
                roles=frozenset(m.roles),
            )
            for m in memberships
        ]
    user._alliance_profile = profile
    return profile


def can_administer(user) -> bool:
    """System administrators configure the system; they never see case content."""
    return user.is_active and profile_for(user).is_system_administrator

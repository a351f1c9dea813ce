"""The grading schemes of observations (docs/dynamic-security.md): how reliable the source is,
how far the information itself can be trusted, and how far it may travel (the handling code).

A jurisdiction chooses its scheme (ObservationSettings.grading_scheme). Each observation keeps
the scheme it was graded with, so changing a jurisdiction's scheme never re-reads old gradings.

A handling code's `reach` is what the services enforce when a summary is shared:
  * PARTNERS: the summary may go to any member of the case team, in any agency;
  * AGENCY: only to members of the agency that recorded the observation;
  * ORIGINATOR: not at all (a summary may not draw on it; the analyst reads it, nobody else).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PARTNERS, AGENCY, ORIGINATOR = "partners", "agency", "originator"
REACH_ORDER = [PARTNERS, AGENCY, ORIGINATOR]  # from widest to narrowest


@dataclass(frozen=True)
class Grade:
    code: str
    label: object  # lazy translation
    help: object = ""
    reach: str = PARTNERS  # handling codes only


@dataclass(frozen=True)
class Scheme:
    code: str
    name: object
    source: tuple[Grade, ...]
    information: tuple[Grade, ...]
    handling: tuple[Grade, ...]

    def grade(self, scale: str, code: str) -> Grade | None:
        return next((g for g in getattr(self, scale) if g.code == code), None)

    def choices(self, scale: str) -> list[tuple[str, str]]:
        return [(g.code, f"{g.code} — {g.label}") for g in getattr(self, scale)]


FIVE_BY_FIVE = Scheme(
    code="5x5x5",
    name=_("5×5×5 (source, information, handling)"),
    source=(
        Grade("A", _("Always reliable"), _("No doubt about the source's authenticity, "
                                           "trustworthiness and competence.")),
        Grade("B", _("Mostly reliable"), _("The source has been reliable in most cases.")),
        Grade("C", _("Sometimes reliable"), _("The source has been reliable on occasion.")),
        Grade("D", _("Unreliable"), _("The source has been unreliable in the past.")),
        Grade("E", _("Untested"), _("The reliability of the source cannot be judged.")),
    ),
    information=(
        Grade("1", _("Known to be true without reservation"), _("Seen or heard directly by the "
                                                               "officer who records it.")),
        Grade("2", _("Known personally to the source, not to the officer"),
              _("The source saw or heard it; the officer did not.")),
        Grade("3", _("Not known personally to the source, but corroborated"),
              _("Hearsay that other information confirms.")),
        Grade("4", _("Cannot be judged"), _("Hearsay with nothing to confirm it.")),
        Grade("5", _("Suspected to be false"), _("Recorded because it may matter even so.")),
    ),
    handling=(
        Grade("1", _("May be shared with partner agencies"), _("A sanitised summary may go to "
                                                              "any member of the case team."),
              PARTNERS),
        Grade("2", _("May be shared within the case team, with conditions"),
              _("A sanitised summary may go to the case team; conditions are written in the "
                "summary."), PARTNERS),
        Grade("3", _("Within the recording agency only"),
              _("A summary may go only to case-team members of the recording agency."), AGENCY),
        Grade("4", _("Within the recording agency only, with conditions"),
              _("A summary may go only to case-team members of the recording agency; "
                "conditions are written in the summary."), AGENCY),
        Grade("5", _("No further dissemination"), _("Read by the security sector only; no "
                                                    "summary may draw on it."), ORIGINATOR),
    ),
)

THREE_BY_FIVE_BY_TWO = Scheme(
    code="3x5x2",
    name=_("3×5×2 (source, information, handling)"),
    source=(
        Grade("1", _("Reliable"), _("The source has proved reliable.")),
        Grade("2", _("Untested"), _("The source is new or has not been tested.")),
        Grade("3", _("Not reliable"), _("There are doubts about the source.")),
    ),
    information=(
        Grade("A", _("Known directly to the source"), _("The source saw or heard it.")),
        Grade("B", _("Known indirectly to the source, corroborated"),
              _("Hearsay that other information confirms.")),
        Grade("C", _("Known indirectly to the source"), _("Hearsay with nothing to confirm "
                                                          "it.")),
        Grade("D", _("Not known"), _("The source cannot say how they know.")),
        Grade("E", _("Suspected to be false"), _("Recorded because it may matter even so.")),
    ),
    handling=(
        Grade("P", _("Lawful sharing permitted"), _("A sanitised summary may go to any member "
                                                   "of the case team."), PARTNERS),
        Grade("C", _("Lawful sharing permitted with conditions"),
              _("A summary may go only to case-team members of the recording agency."),
              AGENCY),
    ),
)

SCHEMES: dict[str, Scheme] = {s.code: s for s in (FIVE_BY_FIVE, THREE_BY_FIVE_BY_TWO)}
DEFAULT_SCHEME = FIVE_BY_FIVE.code
SCALES = ("source", "information", "handling")


def scheme(code: str) -> Scheme:
    """The scheme by code (the default for a code no longer shipped)."""
    return SCHEMES.get(code) or SCHEMES[DEFAULT_SCHEME]


def scheme_choices() -> list[tuple[str, object]]:
    return [(s.code, s.name) for s in SCHEMES.values()]


def narrowest(reaches) -> str:
    """The narrowest of these reaches (PARTNERS when there are none)."""
    return max(reaches, key=REACH_ORDER.index, default=PARTNERS)

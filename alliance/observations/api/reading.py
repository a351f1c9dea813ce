"""Reading an observation for one reader: the entry, and what the API shows beside it (its
grading in words, its addenda and links for the security side). Nothing is hung on the model
instance."""

import dataclasses

from alliance.core.compartments import Compartment
from alliance.people.access import holders_among

from .. import grading, selectors
from ..access import ObservationAction


@dataclasses.dataclass(frozen=True)
class ObservationView:
    """An observation with the reader's actions and, for the security side, its addenda and the
    links to observations the reader also holds."""

    observation: object
    actions: frozenset
    indicators: tuple = ()
    addenda: tuple = ()
    links: tuple = ()

    def __getattr__(self, name):
        return getattr(self.observation, name)

    @property
    def security_side(self) -> bool:
        return ObservationAction.VIEW in self.actions


@dataclasses.dataclass(frozen=True)
class LinkView:
    """A link seen from one of its observations: the other one, the note, who made it."""

    link: object
    other: object

    def __getattr__(self, name):
        return getattr(self.link, name)


def observation_view(user, observation, grant) -> ObservationView:
    """The observation as `user` reads it (their grant from the getter): for the security side,
    with what its page shows beside it (selectors.observation_page)."""
    if ObservationAction.VIEW not in grant.actions:
        return ObservationView(observation, grant.actions,
                               indicators=tuple(observation.indicators.all()))
    page = selectors.observation_page(user, observation, grant)
    # A link whose other end the reader does not hold is left out (the page shows it blank).
    return ObservationView(observation, grant.actions, indicators=tuple(page["indicators"]),
                           addenda=tuple(page["addenda"]),
                           links=tuple(LinkView(row["link"], row["other"])
                                       for row in page["links"] if row["other"] is not None))


def grades_of(observation) -> dict:
    """The observation's grading, each grade with its label in the request's language (in the
    scheme it was graded with)."""
    found = selectors.grading_of(observation)

    def grade(code: str, scale: str) -> dict:
        shown = {"code": code, "label": str(found[scale].label) if found[scale] else code}
        if scale == "handling":
            shown["reach"] = found[scale].reach if found[scale] else grading.ORIGINATOR
        return shown

    return {"scheme": found["scheme"].code, "scheme_name": str(found["scheme"].name),
            "source_reliability": grade(observation.source_reliability, "source"),
            "information_assessment": grade(observation.information_assessment, "information"),
            "handling_code": grade(observation.handling_code, "handling")}


def security_side_ids(user, summaries_shown) -> set[int]:
    """Of these summaries' people, those whose security compartment `user` holds (no query
    beyond the user's team places): their readers see the whole sharing decision."""
    people = {s.person_id: s.person for s in summaries_shown}
    return holders_among(user, people.values(), Compartment.SECURITY)

"""REST API of dynamic security: a person's observations and recording one, an observation and
its correction before review, the summaries shared from it, and what is shared with the caller.
The same access functions, services and audit as the pages, so a client can do nothing here
that the pages would refuse.

Every read of raw material (a person's observations, an observation, the summaries drawn from
it) states its purpose (purpose.for_api) and is refused without one (400, purpose_required);
the audit event of the read carries it. Raw material is the security compartment's, whole: an
observer outside it reads back only their own entry, without what the analysts added. Shared
summaries reach their recipients while in force; the security side reads every sharing decision.

Observations are in observations.py, sharing in sharing.py, their answers in shown.py (built by
reading.py), what they share in common.py.
"""

from .observations import ObservationDetail, PersonObservations
from .sharing import ObservationShares, SharedSummaryList

__all__ = ["ObservationDetail", "ObservationShares", "PersonObservations", "SharedSummaryList"]

"""Authorization matrix rows of the assessments API's additional factors (format 2). See
tests/matrix.py.

A draft of the reference structured profile, led by treatment A, with one additional factor: a
draft is the treatment compartment's, so to everyone but its assessor it is not there (404), as
for the other assessment endpoints. Writes are sent without a body (or, for DELETE, without the
version): treatment A passes the access check and gets 400; nothing is changed.

Rows whose key ends in "(method)" cover a second method of a URL.
"""

from django.urls import reverse

from ..matrix import Row, only

DRAFT = only({"treatment_a": 400}, 404, 401)


def profile_draft(w):
    """A draft structured profile of person A led by treatment A (once per test)."""
    from alliance.assessments import services
    from alliance.assessments.instruments import REFERENCE_DIR

    if not hasattr(w, "profile_draft"):
        path = REFERENCE_DIR / "structured-profile-v2.yaml"
        version, _created = services.instrument_load(actor=None, text=path.read_text(),
                                                     filename=path.name)
        w.profile_draft = services.assessment_start(actor=w.treatment_a, person=w.person_a,
                                                    instrument_version=version)
    return w.profile_draft


def factor(w):
    """An additional factor of the draft, added by treatment A (once per test)."""
    from alliance.assessments import services

    if not hasattr(w, "profile_factor"):
        w.profile_factor = services.factor_add(
            actor=w.treatment_a, assessment=profile_draft(w), domain="", name="Debts",
            rating="present", evidence="From the file")
    return w.profile_factor


def factor_url(w):
    return reverse("api:assessment-factor", args=[profile_draft(w).uuid, factor(w).uuid])


ROWS = {
    "api:assessment-factors": Row(lambda w: reverse("api:assessment-factors",
                                                    args=[profile_draft(w).uuid]),
                                  DRAFT, method="post"),
    # data="": an empty body (a dict would be sent as an unparseable octet-stream).
    "api:assessment-factor": Row(factor_url, DRAFT, method="put", data=""),
    "api:assessment-factor (delete)": Row(factor_url, DRAFT, method="delete", data=""),
}

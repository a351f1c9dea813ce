"""Authorization matrix rows of the data-subject rights pages (/privacy/). See tests/matrix.py.

Only a data protection officer uses them (403 for everyone else); the world's DPO is the one
of Jurisdiction One, person A's (a DPO of another jurisdiction gets 404 for person A: see
tests/privacy/test_subject_access.py). POST rows are sent without a body: the export's form is
then invalid (400), and restrict/lift go back to the page with the form's error (302) without
changing anything. The purpose endpoint stores a purpose in the user's own session and shows
nothing: every signed-in user is sent on (302).
"""

from django.urls import reverse

from ..matrix import Row, only

DPO_ONLY = only({"dpo": 200}, 403)


def _person(name):
    return lambda w: reverse(f"privacy:{name}", args=[w.person_a.uuid])


ROWS = {
    "privacy:find": Row(lambda w: reverse("privacy:find"), DPO_ONLY),
    "privacy:person": Row(_person("person"), DPO_ONLY),
    "privacy:download": Row(_person("download"), only({"dpo": 400}, 403), method="post"),
    "privacy:restrict": Row(_person("restrict"), only({"dpo": 302}, 403), method="post"),
    "privacy:lift": Row(_person("lift"), only({"dpo": 302}, 403), method="post"),
    "privacy:purpose": Row(_person("purpose"), {"anonymous": 302, "*": 302}, method="post",
                           data={"purpose": "legal_claim", "next": "/"}),
}

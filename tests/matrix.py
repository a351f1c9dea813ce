"""The authorization matrix's shape (tests/test_authorization_matrix.py), shared with the
modules' own rows (tests/<module>/matrix_*.py)."""

from dataclasses import dataclass, field

PERSONAS = ["anonymous", "treatment_a", "security_a", "analyst_a", "manager_a", "treatment_b",
            "probation_officer", "ngo_worker", "regional_coordinator", "dpo", "admin",
            "manager_other"]
# The security analyst of prison A is a security officer with the analyst's rights: a row that
# does not name them expects of them what it expects of security_a.
FALLBACK = {"analyst_a": "security_a"}


@dataclass
class Row:
    url: object  # callable(world) -> path
    expect: dict  # persona -> status; "*" for the rest
    method: str = "get"
    data: dict = field(default_factory=dict)
    # callable(world) -> the record a POST changes: its version, read fresh before each
    # persona's request, is sent as the page's form would send it (an edit without its version
    # is refused as stale, 409, which would hide the status this row is about).
    version_of: object = None
    version_field: str = "version"  # as the form names it (a form with a prefix: "p-version")

    def data_for(self, world) -> dict:
        if self.version_of is None:
            return self.data
        record = self.version_of(world)
        version = type(record).objects.values_list("version", flat=True).get(pk=record.pk)
        return {**self.data, self.version_field: version}

    def status_for(self, persona):
        if persona not in self.expect and persona in FALLBACK:
            persona = FALLBACK[persona]
        return self.expect.get(persona, self.expect.get("*"))


def only(allowed: dict, rest: int, anonymous=302) -> dict:
    """`allowed` personas get their status, the anonymous visitor `anonymous`, the rest `rest`."""
    return {"anonymous": anonymous, **allowed, "*": rest}

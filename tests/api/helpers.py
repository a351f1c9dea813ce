"""What every API test checks the same way: the error shape, and the state a refused write must
leave untouched."""

from alliance.assessments.models import Assessment, ItemRating, Screening
from alliance.people.models import Person

ENVELOPE = {"count", "next", "previous", "page", "pages", "results"}


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is a JSON error in the one shape, with this status (and code); its body."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) in ({"detail", "code"}, {"detail", "code", "fields"}), body
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    if "fields" in body:
        assert body["fields"] and all(
            isinstance(name, str) and messages and all(isinstance(m, str) for m in messages)
            for name, messages in body["fields"].items()), body
    if code:
        assert body["code"] == code, body
    return body


def saved_state(world) -> tuple:
    """Everything the seven write endpoints could change."""
    person = Person.objects.get(pk=world.person_a.pk)
    draft = Assessment.objects.get(pk=world.draft.pk)
    return (Person.objects.count(), person.version, person.national_id,
            Screening.objects.count(), Assessment.objects.count(), draft.version,
            draft.status, draft.formulation, ItemRating.objects.count())

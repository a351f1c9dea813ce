import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from alliance.accounts.models import User
from alliance.cases.models import Case
from alliance.core import audit
from alliance.people.access import persons_visible_to
from alliance.people.models import Person

pytestmark = pytest.mark.django_db


def _seed(**kwargs):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


def test_it_is_idempotent_and_grows_to_the_requested_size():
    _seed(persons=30)
    _seed(persons=30)
    assert Person.objects.count() == 30
    assert Case.objects.filter(status="open").count() == 30
    _seed(persons=45)
    assert Person.objects.count() == 45
    assert User.objects.filter(username__startswith="demo.").count() == 10
    assert audit.verify().ok


def test_it_sets_the_password_and_the_demo_users_see_what_they_should(rf):
    output = _seed(persons=40, password="another-demo-pass")
    assert "Demo password: another-demo-pass" in output
    assert authenticate(rf.get("/"), username="demo.treatment", password="another-demo-pass")
    treatment = User.objects.get(username="demo.treatment")
    treatment2 = User.objects.get(username="demo.treatment2")
    mine = set(persons_visible_to(treatment).values_list("pk", flat=True))
    theirs = set(persons_visible_to(treatment2).values_list("pk", flat=True))
    assert mine and theirs and not mine & theirs
    assert not persons_visible_to(User.objects.get(username="demo.regional")).exists()
    probation = persons_visible_to(User.objects.get(username="demo.probation"))
    assert 0 < probation.count() < len(mine)


def test_it_writes_names_in_the_regions_scripts():
    _seed(persons=40)
    names = " ".join(p.family_name for p in Person.objects.all())
    assert any("\u0400" <= ch <= "\u04ff" for ch in names)  # Cyrillic
    assert any(ch in "ćčđšžëç" for ch in names.lower())  # Latin with diacritics

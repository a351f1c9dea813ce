"""Factories for the test suite: small, explicit, one per model that tests create directly."""

import datetime

import factory

from alliance.accounts.models import Membership, User
from alliance.organisations.models import Agency, AgencyType, FacilityUnit, Jurisdiction


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"J{n}")
    name = factory.LazyAttribute(lambda o: f"Jurisdiction {o.code}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")
    type = AgencyType.PRISON


class FacilityUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilityUnit

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Wing {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct horse battery")


def member(agency, *roles, sector="", username=None, **extra) -> User:
    """A user holding `roles` in `agency`."""
    user = UserFactory(**({"username": username} if username else {}), **extra)
    Membership.objects.create(user=user, agency=agency, roles=[str(r) for r in roles],
                              sector=sector)
    return user


def person_fields(agency, **overrides) -> dict:
    fields = dict(responsible_agency=agency, given_name="Arben", family_name="Krasniqi",
                  aliases="Beni", date_of_birth=datetime.date(1990, 5, 17),
                  national_id="1705990450011", data_subject_category="convicted",
                  classification="at_risk", classification_reason="Screening at admission.")
    fields.update(overrides)
    return fields


def agreement(*agencies, categories=None, valid_from=None, valid_until=None,
              status="in_force", title="Sharing agreement", created_by=None, **fields):
    """An information-sharing agreement between `agencies`, each party receiving `categories`
    (every category by default), in force from a year ago to a year ahead unless told."""
    import datetime

    from django.utils import timezone

    from alliance.core.compartments import DataCategory
    from alliance.organisations.models import AgreementParty, SharingAgreement

    today = timezone.localdate()
    creator = created_by or UserFactory()
    made = SharingAgreement.objects.create(
        title=title, legal_basis=fields.pop("legal_basis", "Law on the execution of sanctions"),
        purpose=fields.pop("purpose", "Rehabilitation and reintegration"),
        retention=fields.pop("retention", "Until the case closes, then 2 years"),
        valid_from=valid_from or today - datetime.timedelta(days=365),
        valid_until=valid_until or today + datetime.timedelta(days=365),
        review_due=fields.pop("review_due", today + datetime.timedelta(days=180)),
        status=status, created_by=creator, **fields)
    for agency in agencies:
        AgreementParty.objects.create(
            agreement=made, agency=agency,
            categories=list(DataCategory.values if categories is None else categories))
    return made

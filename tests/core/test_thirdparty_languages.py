"""Django's, allauth's and Django REST framework's own strings (forms, password rules,
two-factor, admin, API errors) speak every language of the interface: their catalogues lack some
languages (cnr everywhere; sq, mk and bs in allauth; all but mk in DRF) and some strings, and
alliance/languages/locale fills the gaps."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
import rest_framework
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from alliance.accounts.models import Role
from alliance.organisations.models import AgencyType

from ..conftest import login
from ..factories import AgencyFactory, member

THIRDPARTY_CATALOGUES = Path(settings.BASE_DIR) / "alliance" / "languages" / "locale"

# What the password change, two-factor and admin pages say in each language, written out here
# rather than read from the catalogues, so that a catalogue that is missing, not compiled or
# shadowed fails the test. The password is "1234": too short (12 is the minimum), numeric.
EXPECTED = {
    "sq": {
        "current": "Fjalëkalimi i tanishëm",
        "too_short": "Ky fjalëkalim është shumë i shkurtër. Duhet të përmbajë të paktën 12 shenja.",
        "numeric": "Ky fjalëkalim është tërësisht numerik.",
        "wrong_code": "Kod i pasaktë.",
        "recent_actions": "Veprime së fundi",
    },
    "mk": {
        "current": "Тековна лозинка",
        "too_short": "Оваа лозинка е прекратка. Мора да содржи најмалку 12 знаци.",
        "numeric": "Оваа лозинка содржи само цифри.",
        "wrong_code": "Погрешен код.",
        "recent_actions": "Последни акции",
    },
    "bs": {
        "current": "Trenutna lozinka",
        "too_short": "Ova lozinka je prekratka. Mora da sadrži najmanje 12 znakova.",
        "numeric": "Ova lozinka sadrži samo cifre.",
        "wrong_code": "Netačan kod.",
        "recent_actions": "Skorašnje akcije",
    },
    "hr": {
        "current": "Trenutna lozinka",
        "too_short": "Lozinka nije dovoljno dugačka. Mora sadržavati minimalno 12 znakova.",
        "numeric": "Lozinka se u potpunosti sastoji od brojeva.",
        "wrong_code": "Neispravan kôd.",
        "recent_actions": "Nedavne promjene",
    },
    "cnr": {
        "current": "Trenutna lozinka",
        "too_short": "Ova lozinka je prekratka. Mora da sadrži najmanje 12 znakova.",
        "numeric": "Ova lozinka sadrži samo cifre.",
        "wrong_code": "Netačan kod.",
        "recent_actions": "Skorašnje akcije",
    },
    "sr-latn": {
        "current": "Trenutna lozinka",
        "too_short": "Ova lozinka je prekratka. Mora da sadrži najmanje 12 znakova.",
        "numeric": "Ova lozinka sadrži samo cifre.",
        "wrong_code": "Netačan kod.",
        "recent_actions": "Skorašnje akcije",
    },
    "sr": {
        "current": "Тренутна лозинка",
        "too_short": "Ова лозинка је прекратка. Мора да садржи најмање 12 знакова.",
        "numeric": "Ова лозинка садржи само цифре.",
        "wrong_code": "Нетачан код.",
        "recent_actions": "Скорашње акције",
    },
}
LANGUAGES = list(EXPECTED)

# English from Django and allauth that must not be left on those pages.
ENGLISH_PASSWORD_PAGE = {
    "Current Password",
    "Current Password:",
    "New Password",
    "New Password:",
    "New Password (again)",
    "New Password (again):",
    "Change Password",
    "Forgot your password?",
}
ENGLISH_PASSWORD_ERRORS = [
    "This password is too short",
    "This password is entirely numeric",
    "This password is too common",
    "Please type your current password",
]
ENGLISH_ADMIN = {
    "Recent actions",
    "My actions",
    "Site administration",
    "Log out",
    "Action:",
    "Run the selected action",
    "Show counts",
    "Hide counts",
    "Change password",
    "View site",
}


class _Text(HTMLParser):
    """The text a reader sees or hears: text nodes and the labelling attributes, not scripts."""

    def __init__(self):
        super().__init__()
        self.nodes, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")
        self.nodes += [
            v.strip() for k, v in attrs if k in ("placeholder", "title", "aria-label", "alt") and v
        ]

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.nodes.append(" ".join(data.split()))


def visible_text(response) -> set[str]:
    parser = _Text()
    parser.feed(response.content.decode())
    return set(parser.nodes)


@pytest.fixture
def administrator(db):
    # The system administrator reaches the password, two-factor and admin pages alike.
    agency = AgencyFactory(type=AgencyType.PRISON_ADMINISTRATION)
    return member(agency, Role.SYSTEM_ADMINISTRATOR, username="sysadmin")


def _client_in(user, language):
    client = login(user)
    client.post(reverse("set_language"), {"language": language})
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_password_change_page_speaks_the_language(administrator, language):
    client = _client_in(administrator, language)

    page = client.get(reverse("account_change_password"))

    assert page.status_code == 200
    assert f'lang="{language}"' in page.content.decode()
    text = visible_text(page)
    assert not text & ENGLISH_PASSWORD_PAGE
    assert EXPECTED[language]["current"] in page.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_password_rules_speak_the_language(administrator, language):
    client = _client_in(administrator, language)

    page = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-the-password", "password1": "1234", "password2": "1234"},
    )

    assert page.status_code == 200  # the form again, with its errors
    html = page.content.decode()
    assert EXPECTED[language]["too_short"] in html
    assert EXPECTED[language]["numeric"] in html
    assert [e for e in ENGLISH_PASSWORD_ERRORS if e in html] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_two_factor_pages_speak_the_language(administrator, language):
    client = _client_in(administrator, language)

    index = client.get(reverse("mfa_index"))
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert index.status_code == 200
    # Words Alliance's page shares with allauth's catalogue; the page's own sentences are
    # checked with Alliance's catalogues (tests/core/test_languages.py).
    assert not visible_text(index) & {
        "Two-Factor Authentication",
        "Activate",
        "Deactivate",
        "Recovery codes",
        "View",
        "Download",
    }
    assert wrong.status_code == 200  # the form again: the code is refused
    assert EXPECTED[language]["wrong_code"] in wrong.content.decode()
    assert "Incorrect code." not in wrong.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_speaks_the_language(administrator, language):
    client = _client_in(administrator, language)

    index = client.get(reverse("admin:index"))
    changelist = client.get(reverse("admin:organisations_agency_changelist"))

    assert index.status_code == 200 and changelist.status_code == 200
    assert EXPECTED[language]["recent_actions"] in index.content.decode()
    assert not (visible_text(index) | visible_text(changelist)) & ENGLISH_ADMIN


_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0\- +]*\d*(?:\.\d+)?[sdfir]|\{[^{}\s]*\}")


def _catalogues():
    # django.po, and djangojs.po for the admin's scripts (calendar, clock, selection widgets).
    return sorted(THIRDPARTY_CATALOGUES.glob("*/LC_MESSAGES/*.po"))


def _name(path):
    return f"{path.parent.parent.name}-{path.stem}"


def test_there_is_a_catalogue_for_each_language_a_package_leaves_short():
    assert {p.parent.parent.name for p in _catalogues()} >= {"sq", "mk", "bs", "hr", "cnr"}


@pytest.mark.parametrize("path", _catalogues(), ids=_name)
def test_every_thirdparty_string_is_translated(path):
    po = polib.pofile(str(path))

    assert len(po) > 0
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


def _placeholders(text):
    return sorted(_PLACEHOLDER.findall(text))


@pytest.mark.parametrize("path", _catalogues(), ids=_name)
def test_every_thirdparty_translation_keeps_the_placeholders(path):
    wrong = []
    for entry in polib.pofile(str(path)).translated_entries():
        if entry.msgid_plural:
            # A plural form may leave the count out ("one key"), never add one.
            allowed = set(_placeholders(entry.msgid + entry.msgid_plural))
            forms = entry.msgstr_plural.values()
            wrong += [entry.msgid for form in forms if not set(_placeholders(form)) <= allowed]
        elif _placeholders(entry.msgstr) != _placeholders(entry.msgid):
            wrong.append(entry.msgid)
    assert wrong == []


def test_montenegrin_speaks_ijekavian():
    po = polib.pofile(str(THIRDPARTY_CATALOGUES / "cnr" / "LC_MESSAGES" / "django.po"))
    texts = [e.msgstr for e in po] + [f for e in po for f in e.msgstr_plural.values()]
    words = set(re.findall(r"\w+", " ".join(texts).lower()))
    ekavian = {
        "vreme",
        "vrednost",
        "uspešno",
        "promena",
        "izmeni",
        "sledeći",
        "nedelja",
        "ponedeljak",
        "sreda",
        "uvek",
        "bezbednost",
        "pre",
        "mesec",
        "zahtev",
    }
    assert words & ekavian == set()
    assert {"vrijeme", "vrijednost", "uspješno", "srijeda", "ponedjeljak", "prije"} <= words


# What the API says, in its error shape, when DRF itself words the message: a POST missing a
# required field (detail and the field's message) and a request without credentials.
EXPECTED_API = {
    "sq": {
        "invalid": "Të dhëna të pavlefshme.",
        "required": "Kjo fushë është e domosdoshme.",
        "no_credentials": "Nuk u dhanë kredencialet e vërtetimit.",
    },
    "mk": {
        "invalid": "Невалиден внес.",
        "required": "Ова поле е задолжително.",
        "no_credentials": "Не се внесени податоци за најава.",
    },
    "bs": {
        "invalid": "Neispravan unos.",
        "required": "Ovo polje se mora popuniti.",
        "no_credentials": "Podaci za autentifikaciju nisu navedeni.",
    },
    "hr": {
        "invalid": "Neispravan unos.",
        "required": "Ovo polje se mora popuniti.",
        "no_credentials": "Podaci za autentifikaciju nisu navedeni.",
    },
    "cnr": {
        "invalid": "Neispravan unos.",
        "required": "Ovo polje se mora popuniti.",
        "no_credentials": "Podaci za autentifikaciju nisu navedeni.",
    },
    "sr-latn": {
        "invalid": "Neispravan unos.",
        "required": "Ovo polje se mora popuniti.",
        "no_credentials": "Podaci za autentifikaciju nisu navedeni.",
    },
    "sr": {
        "invalid": "Неисправан унос.",
        "required": "Ово поље се мора попунити.",
        "no_credentials": "Подаци за аутентификацију нису наведени.",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_words_drf_validation_errors_in_the_session_language(world, language):
    client = _client_in(world.manager_a, language)

    response = client.post(
        reverse("api:person-list"), {"given_name": "X"}, content_type="application/json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == EXPECTED_API[language]["invalid"]
    assert body["fields"]["family_name"] == [EXPECTED_API[language]["required"]]
    assert "Invalid input." not in response.content.decode()
    assert "This field is required." not in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_words_drf_authentication_errors_in_the_accept_language(world, language):
    # No session, so no chosen language: the Accept-Language header decides.
    url = reverse("api:person-detail", args=[world.person_a.uuid])

    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(url)

    assert response.status_code == 401
    assert response.json()["detail"] == EXPECTED_API[language]["no_credentials"]
    assert response.headers["Content-Language"] == language


# DRF's strings that read the same in a language as in English.
SAME_AS_ENGLISH = {"Token"}


def _drf_msgids():
    # DRF ships .mo files only; its en catalogue lists every msgid.
    path = Path(rest_framework.__file__).parent / "locale/en/LC_MESSAGES/django.mo"
    return [e.msgid for e in polib.mofile(str(path)) if e.msgid]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_drf_string_is_translated(language):
    # Through Django's merged catalogues (Alliance's, ours, DRF's, Django's): what a response
    # would say. A DRF upgrade that adds strings fails here until they are translated.
    with translation.override(language):
        english = [m for m in _drf_msgids() if translation.gettext(m) == m]

    assert set(english) <= SAME_AS_ENGLISH

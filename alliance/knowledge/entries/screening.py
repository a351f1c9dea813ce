"""The person-data check: no text of the knowledge base may hold a person's data.

Every free text written into this app (entry texts, meeting agendas and outcomes, adoption notes,
methodology chapters, session notes) goes through `enforce` in the service that saves it. It finds:

* **a person's reference** (people.Person.reference, "<jurisdiction code>-<6 characters>"): a
  word equal to an existing reference, in any case, is *refused* ("reference", blocking);
* **something that looks like a reference or an identification number**: the reference shape,
  "ID 123456", a run of 8 or more digits (the region's national numbers have 10 to 13), an
  Albanian personal number (A12345678B) -> a warning ("reference_like");
* **a name of a person in the system**: names are encrypted, but people have keyed search hashes
  (people.PersonSearchToken, core.crypto.blind_index). Every run of 2 and 3 consecutive words
  of the text (and every single word, for aliases and national numbers) is hashed the same way
  and looked up in one query (a few for a very long text) -> a warning ("person_name"). Names of
  authors, researchers or public figures are legitimate, so this is never blocking;
* **a date of birth**: a full date (12.3.1985, 12/3/1985, 1985-03-12, 12. mart 1985, 12 March
  1985, in the content languages) in a year from 1920 to this year - 14 -> a warning
  ("date_of_birth"), even in a sentence about a meeting: the author confirms.

A warning is accepted when the author confirms that the text holds no person-level data (the
`confirm_no_person_data` checkbox, `"confirm_no_person_data": true` in the API); a refusal never.

**Not an oracle.** A message quotes only the words typed: never who matched, whether it was a
name or an alias, nor whether the author may see that person (a national number that matches is
warned about like any number of its shape). But a name warning still tells that the words are
someone's name in the system, so each real match (a name, an alias, a national number or a
reference of a person) is written to the audit trail: action "search", object type
"knowledge.person_data_check", the matched person, details {"fields": [the fields], "kind": the
strongest of "reference", "national_id", "person_name", "kinds": all of them}. The DPO of that
person's jurisdiction sees who typed a name of their person, and so does an audit of the author.

The row must survive the refusal it comes with: a refused save rolls back the service's
transaction, and the audit row written in it. So, during a request, each row is also remembered
and, when the response is finished, written again if it is no longer in the database (the save
was refused); a row whose save went through is not written twice. Outside a request (commands,
the shell), rows written in a transaction that rolls back are lost with it.
"""

import contextvars
import datetime
import logging
import re
import sqlite3
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.signals import request_finished
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.core import audit, context, crypto
from alliance.core.models import AuditAction, AuditEvent
from alliance.organisations.models import Jurisdiction
from alliance.people.models import Person, PersonSearchToken, SearchTokenKind

from .search import fold

logger = logging.getLogger(__name__)

OBJECT_TYPE = "knowledge.person_data_check"
MAX_FINDINGS_PER_FIELD = 10
OLDEST_BIRTH_YEAR = 1920
YOUNGEST_AGE = 14


@dataclass(frozen=True)
class Finding:
    field: str
    kind: str  # "reference" | "person_name" | "date_of_birth" | "reference_like"
    excerpt: str  # the words as typed
    blocking: bool
    message: str  # the translated reason and what to do


# --- references and identification numbers (pure text) ------------------------------------------

# The people app's reference: a jurisdiction code (up to 8 letters or digits), a hyphen, 6
# characters. Anything of this shape is looked up; what merely looks like one is warned about.
_REFERENCE = re.compile(r"(?<![\w-])([A-Za-z0-9]{1,8})-([A-Za-z0-9]{6})(?![\w-])")
# Uppercase as written ("id" is a word in several languages); the number words in any case.
_ID_NUMBER = re.compile(
    r"(?<!\w)(?:ID|NID|JMBG|EMBG|OIB|ЈМБГ|ЕМБГ)\s?(?i:no\.?|nr\.?|br\.?|бр\.?)?\s?[:#]?\s?"
    r"\d[\d ./-]{3,}\d(?!\w)")
_DIGIT_RUN = re.compile(r"(?<!\w)\d{8,}(?!\w)")
_ALBANIAN_NUMBER = re.compile(r"(?<!\w)[A-Za-z]\d{8}[A-Za-z](?!\w)")


def reference_candidates(text: str) -> list[str]:
    """Every word of the reference's shape (to look up among the references)."""
    return [m.group(0) for m in _REFERENCE.finditer(text)]


def looks_like_reference(token: str, codes: frozenset[str] = frozenset()) -> bool:
    """A reference's shape with a digit in its last six characters (and a letter somewhere), or
    a jurisdiction's code before the hyphen and six capitals or digits after it, as references
    are printed (so that "co-worker" and "Al-Shabab" pass)."""
    match = _REFERENCE.fullmatch(token)
    if not match:
        return False
    prefix, suffix = match.groups()
    if prefix.upper() in codes and suffix == suffix.upper():
        return True
    return any(c.isdigit() for c in suffix) and any(c.isalpha() for c in prefix + suffix)


def identification_numbers(text: str) -> list[str]:
    """"ID 123456", long digit runs and Albanian personal numbers, as typed."""
    found = [m.group(0).strip() for m in _ID_NUMBER.finditer(text)]
    found += [m.group(0) for m in _DIGIT_RUN.finditer(text)
              if not any(m.group(0) in f for f in found)]
    found += [m.group(0) for m in _ALBANIAN_NUMBER.finditer(text)]
    return found


# --- dates of birth (pure text) ------------------------------------------------------------------

_NUMERIC_DATES = [
    # day.month.year (with optional spaces, as the region writes it), day/month/year, d-m-yyyy
    (re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)"), "dmy"),
    (re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)"), "dmy"),
    (re.compile(r"(?<![\d-])(\d{1,2})-(\d{1,2})-(\d{4})(?!\d)"), "dmy"),
    (re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])"), "ymd"),
]
# Month names, folded (search.fold: Latin, no diacritics), with the inflected forms a date uses:
# English, Albanian, Serbian, Bosnian and Montenegrin (Latin and Cyrillic), Macedonian, Croatian.
_MONTH_FORMS = [
    "jan january janar janari januar januara januari sijecanj sijecnja",
    "feb february shkurt shkurti februar februara fevruari veljaca veljace",
    "mar march mars marsi mart marta ozujak ozujka",
    "apr april prill prilli aprila travanj travnja",
    "may maj maji maja svibanj svibnja",
    "jun june qershor qershori juni juna lipanj lipnja",
    "jul july korrik korriku juli jula srpanj srpnja",
    "aug august gusht gushti avgust avgusta augusta kolovoz kolovoza",
    "sep sept september shtator shtatori septembar septembra septemvri rujan rujna",
    "oct october tetor tetori oktobar oktobra oktomvri listopad listopada",
    "nov november nentor nentori novembar novembra noemvri studeni studenoga studenog",
    "dec december dhjetor dhjetori decembar decembra dekemvri prosinac prosinca",
]
_MONTHS = {form: number for number, forms in enumerate(_MONTH_FORMS, start=1)
           for form in forms.split()}
_WORD_DATE = re.compile(r"(?<!\d)(\d{1,2})\.?\s+([^\W\d_]{3,12})\.?,?\s+(\d{4})(?!\d)")
_WORD_DATE_MONTH_FIRST = re.compile(r"(?<![^\W\d_])([^\W\d_]{3,12})\.?\s+(\d{1,2}),?\s+(\d{4})"
                                    r"(?!\d)")


def _month(word: str) -> int | None:
    return _MONTHS.get(fold(word))


def _birth_date(year: int, month: int | None, day: int, this_year: int) -> bool:
    if month is None or not OLDEST_BIRTH_YEAR <= year <= this_year - YOUNGEST_AGE:
        return False
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def dates_of_birth(text: str, *, today: datetime.date | None = None) -> list[str]:
    """Every full date in `text` that could be a living person's date of birth, as typed."""
    this_year = (today or timezone.localdate()).year
    found: list[tuple[int, str]] = []
    for pattern, order in _NUMERIC_DATES:
        for m in pattern.finditer(text):
            a, b, c = (int(g) for g in m.groups())
            day, month, year = (a, b, c) if order == "dmy" else (c, b, a)
            if _birth_date(year, month, day, this_year):
                found.append((m.start(), m.group(0)))
    for m in _WORD_DATE.finditer(text):
        if _birth_date(int(m.group(3)), _month(m.group(2)), int(m.group(1)), this_year):
            found.append((m.start(), m.group(0)))
    for m in _WORD_DATE_MONTH_FIRST.finditer(text):
        if _birth_date(int(m.group(3)), _month(m.group(1)), int(m.group(2)), this_year):
            found.append((m.start(), m.group(0)))
    return [excerpt for _start, excerpt in sorted(found)]


# --- names (keyed hashes of word runs) ---------------------------------------------------------

@dataclass(frozen=True)
class WordRun:
    normalised: str  # as crypto.normalise_identifier folds it (what blind_index hashes)
    excerpt: str  # as typed
    length: int  # in words


_TEXT_WORD = re.compile(r"\w+")


def word_runs(text: str, sizes=(1, 2, 3)) -> list[WordRun]:
    """Every run of `sizes` consecutive words of `text`, normalised as the people's search hashes
    are, with the words as typed."""
    words = []
    for m in _TEXT_WORD.finditer(text):
        normalised = crypto.normalise_identifier(m.group(0))
        if normalised:
            words.append((normalised, m.start(), m.end()))
    runs = []
    for size in sizes:
        for i in range(len(words) - size + 1):
            part = words[i:i + size]
            runs.append(WordRun(" ".join(w[0] for w in part), text[part[0][1]:part[-1][2]], size))
    return runs


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _params_per_query() -> int:
    """How many parameters one statement may carry: SQLite's compiled limit (32766 in builds
    since 3.32, 999 before); PostgreSQL's protocol allows 65535."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 30_000


def _token_matches(digests_any: set[str], digests_single: set[str]) -> dict[str, set]:
    """digest -> {(person id, kind)} for the digests that are a person's search hash; multi-word
    runs against every kind, single words against aliases and national numbers only."""
    size = _params_per_query() - 10
    matches: dict[str, set] = {}
    pairs = [(d, False) for d in digests_any] + [(d, True) for d in digests_single - digests_any]
    for chunk in _chunks(pairs, size):
        many = [d for d, single in chunk if not single]
        single = [d for d, single_ in chunk if single_]
        condition = Q(digest__in=many) if many else Q(pk__in=[])
        if single:
            condition |= Q(digest__in=single,
                           kind__in=[SearchTokenKind.ALIAS, SearchTokenKind.NATIONAL_ID])
        for digest, person_id, kind in PersonSearchToken.objects.filter(condition).values_list(
                "digest", "person_id", "kind"):
            matches.setdefault(digest, set()).add((person_id, kind))
    return matches


# --- the check -----------------------------------------------------------------------------------

def _message(kind: str, excerpt: str) -> str:
    values = {"excerpt": excerpt}
    if kind == "reference":
        return _("“%(excerpt)s” is the reference of a person. Remove the reference: the "
                 "knowledge base holds no person-level data.") % values
    if kind == "person_name":
        return _("“%(excerpt)s” may be the name of a person. If it is the name of someone the "
                 "services work with, remove it. The name of an author or of a public figure "
                 "may stay: then confirm that the text holds no person-level data.") % values
    if kind == "date_of_birth":
        return _("“%(excerpt)s” looks like a date of birth. Remove it if it is someone's; if it "
                 "is another date, confirm that the text holds no person-level data.") % values
    return _("“%(excerpt)s” looks like a person's reference or identification number. Remove "
             "it if it is one; otherwise confirm that the text holds no person-level data."
             ) % values


def _finding(field: str, kind: str, excerpt: str) -> Finding:
    return Finding(field=field, kind=kind, excerpt=excerpt, blocking=kind == "reference",
                   message=_message(kind, excerpt))


def screen(fields: dict[str, str], *, actor) -> list[Finding]:
    """What each text of `fields` (name -> text) holds that may be person-level data, blocking
    findings first in each field. Real matches of a person are written to the audit trail (see
    the module docstring). A few queries, however long the texts."""
    texts = {name: text for name, text in fields.items() if text and str(text).strip()}
    if not texts:
        return []
    refs, runs = {}, {}
    for name, text in texts.items():
        refs[name] = reference_candidates(text)
        runs[name] = word_runs(text)
    candidates = {r.upper() for found in refs.values() for r in found}
    known = {}
    if candidates:
        known = {p.reference.upper(): p for p in Person.objects.filter(
            reference__in=sorted(candidates | {c.lower() for c in candidates})).only(
                "id", "reference")}
    codes = frozenset(Jurisdiction.objects.values_list("code", flat=True)) if candidates \
        else frozenset()
    digest = {run.normalised: crypto.blind_index_normalised(run.normalised)
              for found in runs.values() for run in found}
    digests_any = {digest[r.normalised] for found in runs.values() for r in found if r.length > 1}
    digests_single = {digest[r.normalised] for found in runs.values() for r in found
                      if r.length == 1}
    tokens = _token_matches(digests_any, digests_single)

    findings: list[Finding] = []
    matched: dict[int, dict] = {}  # person id -> {"fields": [...], "kinds": {...}}

    def note(person_id, name, kind):
        entry = matched.setdefault(person_id, {"fields": [], "kinds": set()})
        if name not in entry["fields"]:
            entry["fields"].append(name)
        entry["kinds"].add(kind)

    for name, text in texts.items():
        own: list[Finding] = []
        for token in refs[name]:
            person = known.get(token.upper())
            if person is not None:
                own.append(_finding(name, "reference", token))
                note(person.pk, name, "reference")
            elif looks_like_reference(token, codes):
                own.append(_finding(name, "reference_like", token))
        numbers = identification_numbers(text)
        own += [_finding(name, "reference_like", n) for n in numbers]
        for run in runs[name]:
            hits = tokens.get(digest[run.normalised])
            if not hits:
                continue
            for person_id, kind in hits:
                note(person_id, name, "national_id" if kind == SearchTokenKind.NATIONAL_ID
                     else "person_name")
            if all(kind == SearchTokenKind.NATIONAL_ID for _pid, kind in hits):
                # Said like any number of that shape: never "this is someone's number".
                if not any(run.excerpt in n for n in numbers):
                    own.append(_finding(name, "reference_like", run.excerpt))
            else:
                own.append(_finding(name, "person_name", run.excerpt))
        own += [_finding(name, "date_of_birth", d) for d in dates_of_birth(text)]
        findings += _distinct(own, text)[:MAX_FINDINGS_PER_FIELD]
    if matched:
        _record_matches(actor, matched)
    return findings


def _distinct(findings: list[Finding], text: str) -> list[Finding]:
    """Each excerpt once, refusals first, then in the order of the text."""
    seen, kept = set(), []
    for f in sorted(findings, key=lambda f: (not f.blocking, text.find(f.excerpt))):
        key = (f.kind, f.excerpt.casefold())
        if key not in seen:
            seen.add(key)
            kept.append(f)
    return kept


def enforce(fields: dict[str, str], *, actor, confirmed: bool) -> None:
    """Refuse texts that hold person-level data: raises ValidationError({field: [reasons]}) for
    any blocking finding, and for any finding at all unless the author `confirmed` that the
    texts hold no person-level data. Call it in the service, before saving."""
    findings = [f for f in screen(fields, actor=actor) if f.blocking or not confirmed]
    if not findings:
        return
    errors: dict[str, list] = {}
    for f in findings:
        errors.setdefault(f.field, []).append(ValidationError(f.message, code=f.kind))
    raise ValidationError(errors)


# --- the audit rows of real matches -----------------------------------------------------------

# (hash of the row written, an unsaved copy) for this request's matches: see the docstring.
_pending: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "alliance_person_data_checks", default=None)


_KIND_ORDER = ["reference", "national_id", "person_name"]


def _event(actor, person, match) -> AuditEvent:
    """details: the fields, the strongest kind of match ("reference", "national_id" or
    "person_name") and all of them."""
    kinds = sorted(match["kinds"], key=_KIND_ORDER.index)
    return audit.build(actor=actor, action=AuditAction.SEARCH, object_type=OBJECT_TYPE,
                       person=person, details={"fields": match["fields"], "kind": kinds[0],
                                               "kinds": kinds})


def _record_matches(actor, matched: dict[int, dict]) -> None:
    persons = Person.objects.filter(pk__in=list(matched)).only("id", "reference")
    pairs = [(p, matched[p.pk]) for p in persons.order_by("id")]
    written = audit.append([_event(actor, p, m) for p, m in pairs])
    if context.memo() is None:
        return  # outside a request: nothing runs after a rollback
    pending = _pending.get()
    if pending is None:
        pending = []
        _pending.set(pending)
    pending += [(w.hash, _event(actor, p, m)) for w, (p, m) in zip(written, pairs, strict=True)]


def write_refused_checks(**kwargs) -> None:
    """At the end of a request: write again the match rows that a refused save rolled back."""
    pending = _pending.get()
    if not pending:
        return
    _pending.set(None)
    try:
        kept = set(AuditEvent.objects.filter(hash__in=[h for h, _e in pending])
                   .values_list("hash", flat=True))
        lost = [event for written, event in pending if written not in kept]
        if lost:
            audit.append(lost)
    except Exception:  # noqa: BLE001 - the response is sent; say so in the log, never fail it
        logger.exception("Could not write the audit rows of a person-data check")


request_finished.connect(write_refused_checks, dispatch_uid="knowledge_person_data_checks")

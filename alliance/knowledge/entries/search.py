"""Full-text search of the knowledge base, in every language of the content and across Latin and
Cyrillic.

Each entry keeps a *search document* (KnowledgeEntry.search_document): the text of every language
version, its title, objectives, description and findings, and its attachments' names,
transliterated from Cyrillic to Latin (Serbian and Macedonian), stripped of diacritics and
lowercased, so that "мотивација", "motivacija" and "motivácija" are one word. A query is folded
the same way and each of its words cut to a stem (`stem`: "motivacija" → "motivaci"); every stem
must match the beginning of a word of the document, so "motivacija" finds "мотивациско" and
"Motivimi" is found by "motivim".

* **PostgreSQL**: `to_tsvector('simple', search_document)` with a GIN index (migration 0002) and
  a prefix query per word (`word:*`), ranked by ts_rank. The 'simple' configuration stems
  nothing: PostgreSQL has no Albanian, Macedonian or Serbian dictionary, and prefix matching
  covers their suffixes well enough ("motivim" finds "motivimi", "motivimit").
* **SQLite** (a pilot or a demo): the same words, each matched at the start of a word of the
  document (a LIKE on " word"), newest first. Fine for the thousands of entries a region writes.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet

# Serbian and Macedonian Cyrillic, to the Latin the region writes (Serbian Latin; Macedonian's
# own letters as in its Latin transcription: ѓ gj, ќ kj, ѕ dz). Diacritics go afterwards.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "dj", "ѓ": "gj", "е": "e", "ж": "z",
    "з": "z", "ѕ": "dz", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n",
    "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "c", "ќ": "kj", "у": "u",
    "ф": "f", "х": "h", "ц": "c", "ч": "c", "џ": "dz", "ш": "s", "ѐ": "e", "ѝ": "i",
}
# Latin letters that do not decompose into a base letter and a mark.
_LATIN = {"đ": "dj", "ð": "d", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"}
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase Latin without diacritics: what the document and the query are compared in."""
    text = (text or "").lower()
    text = "".join(_CYRILLIC.get(ch, _LATIN.get(ch, ch)) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    # Latin "dž" folds to "dz" like Cyrillic "џ" (after the marks are gone).
    return " ".join(_WORD.findall(text))


def words(query: str, limit: int = 12) -> list[str]:
    """The query's folded words (at most `limit`; longer queries add nothing but cost)."""
    return fold(query).split()[:limit]


def stem(word: str) -> str:
    """A crude, language-blind stem: a word longer than six letters loses up to its last two,
    keeping at least six. The region's languages inflect by suffix ("motivacija",
    "motivacije", "мотивациско"; "motivimi", "motivimit"), and no stemmer exists for most of
    them: matching the stem as a prefix finds the forms of a word at a small cost in
    precision ("motivacija" → "motivaci" finds "мотивациско")."""
    return word if len(word) <= 6 else word[:max(6, len(word) - 2)]


def document_for(entry) -> str:
    """The folded search document of an entry: every language version and attachment name."""
    parts: list[str] = []
    for text in entry.texts.all():
        parts += [text.title, text.objectives, text.description, text.findings]
    parts += [a.file_name for a in entry.attachments.all()]
    parts.append(entry.organisation)
    return fold(" ".join(p for p in parts if p))


def reindex(entry) -> None:
    """Recompute and store an entry's search document (after any change of its texts)."""
    entry.search_document = document_for(entry)
    type(entry).objects.filter(pk=entry.pk).update(search_document=entry.search_document)


def search(rows: QuerySet, query: str) -> QuerySet:
    """`rows` narrowed to the entries matching every word of `query`, best first on
    PostgreSQL (newest first on SQLite). An empty query returns `rows` unchanged."""
    terms = [stem(w) for w in words(query)]
    if not terms:
        return rows
    if connection.vendor == "postgresql":
        tsquery = SearchQuery(" & ".join(f"{t}:*" for t in terms), search_type="raw",
                              config="simple")
        vector = SearchVector("search_document", config="simple")
        # Filter with @@ (the GIN index's expression): ts_rank is not a match test, it gives
        # 1e-20 to a document that holds none of the words of an "&" query.
        return (rows.alias(search_vector=vector).filter(search_vector=tsquery)
                .annotate(search_rank=SearchRank(vector, tsquery))
                .order_by("-search_rank", "-published_at", "-id"))
    condition = Q()
    for term in terms:
        # At the start of a word: the document is words separated by single spaces.
        condition &= (Q(search_document__startswith=term)
                      | Q(search_document__contains=f" {term}"))
    return rows.filter(condition).order_by(F("published_at").desc(nulls_last=True), "-id")

"""Full-text search of the knowledge base (knowledge/entries/search.py): folding of the region's
scripts and letters, then search() on the database (SQLite and PostgreSQL)."""

import pytest

from alliance.knowledge.entries.search import fold, reindex, search, stem, words
from alliance.knowledge.models import EntryText, KnowledgeEntry

from .builders import entry

# --- folding (no database) -----------------------------------------------------------------------


@pytest.mark.parametrize("text, folded", [
    # Albanian
    ("Motivimi i të burgosurve", "motivimi i te burgosurve"),
    ("Çështja e ËNDRRËS", "ceshtja e endrres"),
    # Serbian, Bosnian, Croatian, Montenegrin Latin
    ("čćšžđ ČĆŠŽĐ", "ccszdj ccszdj"),
    ("Džemat i đački dom", "dzemat i djacki dom"),
    # Serbian Cyrillic
    ("Ђачки дом, ћерка, џемат", "djacki dom cerka dzemat"),
    ("ЉУБАВ и ЊЕГА", "ljubav i njega"),
    ("Породични рад", "porodicni rad"),
    # Macedonian Cyrillic
    ("Ѓорѓе, ќерка, ѕвезда, џеб", "gjorgje kjerka dzvezda dzeb"),
    ("љубов и њега", "ljubov i njega"),
    ("Мотивација на затворениците", "motivacija na zatvorenicite"),
])
def test_fold_brings_every_script_and_letter_to_plain_latin(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("a, b", [("Мотивација", "motivacija"), ("Petrović", "Петровић"),
                                  ("đak", "ђак"), ("džep", "џеп"), ("ѓавол", "gjavol")])
def test_the_same_word_in_two_scripts_folds_alike(a, b):
    assert fold(a) == fold(b)


def test_words_drop_punctuation_and_syntax_characters():
    assert words("motiv & (wing) | !release: 'pre*'") == ["motiv", "wing", "release", "pre"]
    assert words("&|!():*'") == []


def test_a_long_query_keeps_its_first_twelve_words():
    assert len(words(" ".join(f"w{i}" for i in range(30)))) == 12


# --- search on the database ----------------------------------------------------------------------

@pytest.fixture
def library(kb):
    """Five published entries, each in another language or script."""
    author = kb.treatment_a
    return {
        "sq": entry(author, language="sq", title="Motivimi i të burgosurve",
                    description="Biseda javore me të burgosurit rezistentë."),
        "mk": entry(author, language="mk", title="Мотивација на затворениците",
                    description="Неделни разговори со персоналот."),
        "sr_cyrl": entry(author, language="sr-cyrl", title="Породични рад са осуђеницима",
                         description="Посете породица пре отпуста."),
        "sr_latn": entry(author, language="sr-latn", title="Dinamička bezbjednost u zatvoru",
                         description="Svakodnevni kontakt osoblja i osuđenika."),
        "en": entry(author, title="Peer mentoring after release",
                    description="Former participants mentor people leaving prison."),
    }


def found(query) -> set[int]:
    return set(search(KnowledgeEntry.objects.all(), query).values_list("pk", flat=True))


def test_it_finds_an_albanian_entry_by_a_stem(library):
    assert found("motivim") == {library["sq"].pk}


@pytest.mark.parametrize("word,expected", [
    ("motivacija", "motivaci"), ("motivim", "motivi"), ("porodica", "porodi"), ("rad", "rad"),
    ("zatvor", "zatvor")])
def test_a_query_word_is_cut_to_its_stem(word, expected):
    assert stem(word) == expected


def test_another_form_of_a_word_finds_the_entry(library):
    # "motivacije" (genitive) and "мотивацијата" (definite) find "Мотивација"
    assert found("motivacije") == {library["mk"].pk}
    assert found("мотивацијата") == {library["mk"].pk}
    assert found("porodica") == {library["sr_cyrl"].pk}  # "Породични"


def test_it_finds_a_macedonian_entry_by_a_cyrillic_and_by_a_latin_query(library):
    assert found("затворениците") == {library["mk"].pk}
    assert found("zatvorenicite") == {library["mk"].pk}


def test_a_query_in_one_script_finds_entries_in_both(library):
    # "мотивациј" and "motivacij" are one word; the Albanian "motivimi" shares only "motiv".
    assert found("мотивациј") == found("motivacij") == {library["mk"].pk}
    assert found("motiv") == {library["sq"].pk, library["mk"].pk}


def test_it_finds_a_serbian_cyrillic_entry_by_a_latin_query(library):
    assert found("porodični rad") == {library["sr_cyrl"].pk}
    assert found("osudjenicima") == {library["sr_cyrl"].pk}


def test_it_finds_a_serbian_latin_entry_by_a_cyrillic_query(library):
    assert found("динамичка безбједност") == {library["sr_latn"].pk}


def test_it_finds_an_entry_by_its_translations_words(library, kb):
    e = library["en"]
    EntryText.objects.create(entry=e, language="sq", title="Mentorimi pas lirimit",
                             description="Ish-pjesëmarrësit udhëheqin të liruarit.",
                             written_by=kb.treatment_a)
    reindex(e)
    assert found("mentorimi") == {e.pk}
    assert found("pjesemarresit") == {e.pk}


def test_every_word_of_the_query_is_required(library):
    assert found("motivim burgosur") == {library["sq"].pk}
    assert found("motivim release") == set()


def test_an_unrelated_query_finds_nothing(library):
    assert found("cryptocurrency") == set()


def test_words_match_at_their_start_only(library):
    assert found("tivimi") == set()


@pytest.mark.parametrize("query", ["motivim & |", "motivim:*", "(motivim)", "'motivim'",
                                   "!motivim", "motivim') | ('", "motivim\\"])
def test_tsquery_syntax_characters_are_harmless(library, query):
    assert found(query) == {library["sq"].pk}


def test_a_query_of_syntax_characters_alone_changes_nothing(library):
    assert found("&|!():*'") == {e.pk for e in library.values()}


def test_search_narrows_the_rows_it_is_given(library):
    rows = KnowledgeEntry.objects.filter(pk=library["mk"].pk)
    assert list(search(rows, "motiv")) == [library["mk"]]

"""The change view's comparison (methodology/diff.py): pure, no database."""

from hypothesis import given
from hypothesis import strategies as st

from alliance.knowledge.methodology.diff import (
    ADDED,
    CHANGED,
    DELETE,
    EQUAL,
    INSERT,
    REMOVED,
    UNCHANGED,
    ChapterText,
    compare,
    word_diff,
)


def chapters(*specs):
    return [ChapterText(key=k, title=k.title(), body=f"Text of {k}.") for k in specs]


def by_key(changes):
    return {c.key: c for c in changes.chapters}


def test_it_finds_nothing_between_equal_versions():
    changes = compare(chapters("a", "b"), chapters("a", "b"))
    assert not changes.any
    assert [c.status for c in changes.chapters] == [UNCHANGED, UNCHANGED]


def test_it_finds_an_added_and_a_removed_chapter():
    changes = compare(chapters("a", "b"), chapters("a", "c"))
    found = by_key(changes)
    assert found["c"].status == ADDED and found["c"].new_position == 2
    assert found["b"].status == REMOVED and found["b"].old_position == 2
    assert (changes.added, changes.removed) == (1, 1)
    # the removed chapter comes after the newer version's chapters
    assert [c.key for c in changes.chapters] == ["a", "c", "b"]


def test_an_insertion_before_a_chapter_does_not_move_it():
    found = by_key(compare(chapters("a", "b"), chapters("new", "a", "b")))
    assert not found["a"].moved and not found["b"].moved
    assert found["a"].old_position == 1 and found["a"].new_position == 2
    assert found["a"].status == UNCHANGED


def test_it_finds_the_chapter_that_moved():
    changes = compare(chapters("a", "b", "c", "d"), chapters("a", "c", "d", "b"))
    found = by_key(changes)
    assert found["b"].moved and found["b"].status == CHANGED
    assert (found["b"].old_position, found["b"].new_position) == (2, 4)
    assert not any(found[k].moved for k in "acd")
    assert changes.moved == 1


def test_it_pairs_a_retitled_chapter_by_its_key():
    old = [ChapterText("motivation", "Motivation", "Same text.")]
    new = [ChapterText("motivation", "Motivation and the working alliance", "Same text.")]
    change = compare(old, new).chapters[0]
    assert change.status == CHANGED and change.retitled and not change.text_changed
    assert change.old_title == "Motivation"
    assert change.title == "Motivation and the working alliance"


def test_it_shows_changed_text_word_by_word():
    old = [ChapterText("release", "Release", "Preparation starts six months before release.")]
    new = [ChapterText("release", "Release",
                       "Preparation starts twelve months before release.")]
    change = compare(old, new).chapters[0]
    assert change.text_changed
    assert [(s.kind, s.text) for s in change.segments] == [
        (EQUAL, "Preparation starts "), (DELETE, "six"), (INSERT, "twelve"),
        (EQUAL, " months before release.")]


def test_it_lists_citations_added_and_removed():
    old = [ChapterText("a", "A", "t", citations=("e1", "e2"))]
    new = [ChapterText("a", "A", "t", citations=("e2", "e3"))]
    change = compare(old, new).chapters[0]
    assert change.citations_added == ("e3",) and change.citations_removed == ("e1",)
    assert change.status == CHANGED and not change.text_changed


def test_a_passage_of_changed_words_is_one_deletion_then_one_insertion():
    assert [(s.kind, s.text) for s in word_diff("a b c d", "a x y d")] == [
        (EQUAL, "a "), (DELETE, "b c"), (INSERT, "x y"), (EQUAL, " d")]


def test_it_keeps_line_breaks():
    segments = word_diff("First.\n\nSecond.", "First.\n\nSecond, longer.")
    assert "".join(s.text for s in segments if s.kind != DELETE) == "First.\n\nSecond, longer."


def test_the_text_is_kept_as_typed_for_the_template_to_escape():
    segments = word_diff("", "<script>alert(1)</script>")
    assert segments[0].text == "<script>alert(1)</script>"


texts = st.text(alphabet=st.sampled_from(list("ab \n.шđ")), max_size=40)


@given(texts, texts)
def test_the_segments_rebuild_both_texts(old, new):
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.kind != INSERT) == old
    assert "".join(s.text for s in segments if s.kind != DELETE) == new
    assert all(s.text for s in segments)
    assert all(a.kind != b.kind for a, b in zip(segments, segments[1:], strict=False))


keys = st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8)


@given(keys, keys)
def test_every_chapter_of_both_versions_appears_once(old_keys, new_keys):
    changes = compare(chapters(*old_keys), chapters(*new_keys))
    assert sorted(c.key for c in changes.chapters) == sorted(set(old_keys) | set(new_keys))
    assert changes.added == len(set(new_keys) - set(old_keys))
    assert changes.removed == len(set(old_keys) - set(new_keys))
    # Moves are the fewest that explain the new order: keeping the others in place.
    shared = [k for k in new_keys if k in old_keys]
    if shared == [k for k in old_keys if k in new_keys]:
        assert changes.moved == 0

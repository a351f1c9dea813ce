"""What changed between two versions of the methodology: a pure function of their chapters.

Chapters are paired by their key (stable from version to version: services.py never changes it),
so a chapter whose title changed is "retitled", not "removed" and "added". A chapter is "moved"
when its place *relative to the other chapters both versions share* changed: a chapter inserted
before it shifts its number without moving it. The text is compared word by word (difflib);
the result is plain data (segments of equal, inserted and deleted text) that the page renders
with the template's escaping, so no user text is ever marked safe.

No Django and no database here: the tests build `ChapterText` values by hand.
"""

import difflib
import re
from dataclasses import dataclass, field

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"

# A word with the punctuation that sticks to it, or a run of white space: comparing these keeps
# the spaces and line breaks of both texts, so the rendered diff reads like the text.
_TOKEN = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class ChapterText:
    """A chapter as the comparison sees it; `citations` are any stable ids (entry uuids)."""

    key: str
    title: str
    body: str = ""
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Segment:
    kind: str  # EQUAL, INSERT or DELETE
    text: str


@dataclass(frozen=True)
class ChapterChange:
    """One chapter of either version and what happened to it (positions count from 1)."""

    key: str
    status: str  # ADDED, REMOVED, CHANGED or UNCHANGED
    title: str  # the newer title (the older one for a removed chapter)
    old_title: str | None = None  # set when retitled
    old_position: int | None = None
    new_position: int | None = None
    moved: bool = False
    text_changed: bool = False
    segments: tuple[Segment, ...] = ()
    citations_added: tuple[str, ...] = ()
    citations_removed: tuple[str, ...] = ()

    @property
    def retitled(self) -> bool:
        return self.old_title is not None

    @property
    def citations_changed(self) -> bool:
        return bool(self.citations_added or self.citations_removed)


@dataclass(frozen=True)
class Changes:
    """The chapters of the newer version in its order, then the removed ones in their old
    order."""

    chapters: tuple[ChapterChange, ...] = field(default=())

    def _count(self, test) -> int:
        return sum(1 for c in self.chapters if test(c))

    @property
    def added(self) -> int:
        return self._count(lambda c: c.status == ADDED)

    @property
    def removed(self) -> int:
        return self._count(lambda c: c.status == REMOVED)

    @property
    def moved(self) -> int:
        return self._count(lambda c: c.moved)

    @property
    def retitled(self) -> int:
        return self._count(lambda c: c.retitled)

    @property
    def text_changed(self) -> int:
        return self._count(lambda c: c.status == CHANGED and c.text_changed)

    @property
    def citations_changed(self) -> int:
        return self._count(lambda c: c.status == CHANGED and c.citations_changed)

    @property
    def any(self) -> bool:
        return any(c.status != UNCHANGED for c in self.chapters)


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """`old` to `new` as segments. Where several words changed, the whole passage is deleted
    then inserted (the spaces between changed words belong to both), which reads better than a
    word-by-word alternation."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    pieces: list[tuple[str, str, str]] = []  # (kind, deleted text, inserted text)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        deleted, inserted = "".join(a[i1:i2]), "".join(b[j1:j2])
        pieces.append((EQUAL if op == "equal" else "change", deleted, inserted))
    # White space alone between two changes joins them into one passage.
    for n in range(1, len(pieces) - 1):
        kind, text, _same = pieces[n]
        if kind == EQUAL and not text.strip() and pieces[n - 1][0] == pieces[n + 1][0] == "change":
            pieces[n] = ("change", text, text)
    segments: list[tuple[str, str]] = []
    run_deleted, run_inserted = "", ""
    for kind, deleted, inserted in [*pieces, (EQUAL, "", "")]:
        if kind == "change":
            run_deleted, run_inserted = run_deleted + deleted, run_inserted + inserted
            continue
        segments += [(DELETE, run_deleted), (INSERT, run_inserted), (EQUAL, deleted)]
        run_deleted = run_inserted = ""
    return _joined(segments)


def _joined(pieces) -> tuple[Segment, ...]:
    """Segments from (kind, text) pieces: empty ones dropped, neighbours of one kind joined."""
    joined: list[list[str]] = []
    for kind, text in pieces:
        if not text:
            continue
        if joined and joined[-1][0] == kind:
            joined[-1][1] += text
        else:
            joined.append([kind, text])
    return tuple(Segment(kind, text) for kind, text in joined)


def _stable_keys(old: list[str], new: list[str]) -> set[str]:
    """The keys on the longest common subsequence of the two orders: the chapters that kept
    their place relative to each other (the rest of the shared ones moved)."""
    n, m = len(old), len(new)
    lengths = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            lengths[i][j] = (lengths[i + 1][j + 1] + 1 if old[i] == new[j]
                             else max(lengths[i + 1][j], lengths[i][j + 1]))
    stable, i, j = set(), 0, 0
    while i < n and j < m:
        if old[i] == new[j]:
            stable.add(old[i])
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return stable


def compare(old: list[ChapterText], new: list[ChapterText]) -> Changes:
    """The changes from `old` to `new` (each a version's chapters in their order)."""
    before = {c.key: (n, c) for n, c in enumerate(old, start=1)}
    after = {c.key for c in new}
    shared_old = [c.key for c in old if c.key in after]
    shared_new = [c.key for c in new if c.key in before]
    stable = _stable_keys(shared_old, shared_new)
    chapters: list[ChapterChange] = []
    for position, chapter in enumerate(new, start=1):
        if chapter.key not in before:
            chapters.append(ChapterChange(
                key=chapter.key, status=ADDED, title=chapter.title, new_position=position,
                text_changed=bool(chapter.body),
                segments=_joined([(INSERT, chapter.body)]),
                citations_added=tuple(chapter.citations)))
            continue
        old_position, previous = before[chapter.key]
        moved = chapter.key not in stable
        text_changed = previous.body != chapter.body
        cited_before, cited_now = set(previous.citations), set(chapter.citations)
        added = tuple(c for c in chapter.citations if c not in cited_before)
        removed = tuple(c for c in previous.citations if c not in cited_now)
        retitled = previous.title != chapter.title
        changed = moved or text_changed or retitled or added or removed
        chapters.append(ChapterChange(
            key=chapter.key, status=CHANGED if changed else UNCHANGED, title=chapter.title,
            old_title=previous.title if retitled else None, old_position=old_position,
            new_position=position, moved=moved, text_changed=text_changed,
            segments=(word_diff(previous.body, chapter.body) if text_changed
                      else _joined([(EQUAL, chapter.body)])),
            citations_added=added, citations_removed=removed))
    for key, (old_position, previous) in before.items():
        if key not in after:
            chapters.append(ChapterChange(
                key=key, status=REMOVED, title=previous.title, old_position=old_position,
                text_changed=bool(previous.body),
                segments=_joined([(DELETE, previous.body)]),
                citations_removed=tuple(previous.citations)))
    return Changes(tuple(chapters))

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class NotDemoPasswordValidator:
    """The published demo password can never be set through the application (admin, password
    change, reset), so a real installation cannot end up with it; seed_demo refuses to run in
    production, which closes the other way in."""

    def validate(self, password, user=None):
        if password == settings.DEMO_PASSWORD:
            raise ValidationError(_("This is the published demo password. Choose another."),
                                  code="demo_password")

    def get_help_text(self):
        return _("Your password cannot be the published demo password.")


# Runs people type without thinking: the alphabet, the digits, and the rows of the keyboards
# used in the region (QWERTY, QWERTZ, and Cyrillic ЙЦУКЕН). Each is also tried backwards.
RUN_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "1234567890",  # the keyboard's number row, where 0 follows 9
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertzuiop",
    "yxcvbnm",
    "йцукенгшщзх",
    "фывапролджэ",
    "ячсмитьбю",
)
_RUNS = RUN_SEQUENCES + tuple(s[::-1] for s in RUN_SEQUENCES)


def count_runs(password: str, stop_after: int | None = None) -> int:
    """The fewest runs (pieces of one RUN_SEQUENCE, forwards or backwards, case ignored) that
    together make up the password; a character found in no sequence is a run of its own.

    Taking the longest run at each position gives the fewest, because any piece of a run is a
    run too. `stop_after` ends the count early once it is passed."""
    text = password.casefold()
    runs = start = 0
    while start < len(text):
        end = start + 1
        while end < len(text) and any(text[start:end + 1] in run for run in _RUNS):
            end += 1
        runs += 1
        if stop_after is not None and runs > stop_after:
            break
        start = end
    return runs


class RunsAndRepeatsPasswordValidator:
    """Refuses passwords that look long but are quick to guess: one character repeated, or a few
    characters (`aaaaaaaaaaaa`, `abababababab`), and keyboard or alphabet runs (`qwertyuiop12`,
    `zyxwvutsrqpo`, `1234567890ab`): at most `max_runs` runs cover the whole password."""

    def __init__(self, min_distinct: int = 5, max_runs: int = 2):
        self.min_distinct = min_distinct
        self.max_runs = max_runs

    def validate(self, password, user=None):
        if len(set(password.casefold())) < self.min_distinct:
            raise ValidationError(
                ngettext(
                    "This password uses too few different characters. Use at least "
                    "%(min_distinct)d different character.",
                    "This password uses too few different characters. Use at least "
                    "%(min_distinct)d different characters.",
                    self.min_distinct,
                ),
                code="password_too_few_distinct_characters",
                params={"min_distinct": self.min_distinct},
            )
        if count_runs(password, stop_after=self.max_runs) <= self.max_runs:
            raise ValidationError(
                _("This password is a run of neighbouring keys, letters or digits (like "
                  "“qwerty”, “abcdef” or “123456”). Choose a password that is harder to guess."),
                code="password_keyboard_run",
            )

    def get_help_text(self):
        return ngettext(
            "Your password cannot be a run of neighbouring keys, letters or digits (like "
            "“qwertyuiop12”), and must use at least %(min_distinct)d different character.",
            "Your password cannot be a run of neighbouring keys, letters or digits (like "
            "“qwertyuiop12”), and must use at least %(min_distinct)d different characters.",
            self.min_distinct,
        ) % {"min_distinct": self.min_distinct}

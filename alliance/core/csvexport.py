"""CSV exports that stream and that no spreadsheet evaluates (the audit trail's, the disclosure
log's)."""

import csv

# A cell that starts with one of these is a formula to a spreadsheet (CSV injection): a purpose
# typed as =HYPERLINK(...) must reach the DPO's spreadsheet as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A value as a CSV cell that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def streaming_writer():
    """A csv writer whose `writerow` returns the line, for a StreamingHttpResponse."""
    return csv.writer(_Echo())

"""The dashboards' exports, CSV and XLSX: the very figures the page shows (the same Statistics,
turned into cells by selectors.table), the level and the period in the first rows, then a header
row and a row per indicator. A suppressed cell is the page's symbol, explained in the first rows;
a share is a number (a percentage in the CSV, a fraction formatted as a percentage in the
workbook). Nothing is a formula: a CSV cell that a spreadsheet would evaluate is quoted
(core.csvexport), a workbook's text cell is stored as text whatever it starts with."""

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from alliance.core.csvexport import csv_cell

from . import selectors
from .indicators import Kind
from .statistics import Statistics

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def footnote() -> str:
    """The designation footnote, in the words of base.html's footer."""
    return _("This designation is without prejudice to positions on status, and is in line with "
             "UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence.")


def level_label(level: str) -> str:
    return {"facility": _("Facility"), "jurisdiction": _("Jurisdiction"),
            "region": _("Region")}[level]


def suppression_note(min_count: int) -> str:
    return _("fewer than %(count)s, or hidden so that a small figure cannot be worked out from "
             "the others") % {"count": min_count}


def preamble(stats: Statistics) -> list[list[str]]:
    """The first rows: what the figures are."""
    rows = [[_("Level"), level_label(stats.level)],
            [_("Period"), stats.period.code],
            [_("Months computed"), _("%(computed)s of %(months)s") % {
                "computed": stats.computed_months, "months": len(stats.period.months)}]]
    if stats.suppressed:
        rows.append([_("Suppressed"), f"{selectors.SUPPRESSED_SYMBOL}: "
                     + suppression_note(stats.min_count)])
    if stats.footnote:
        rows.append(["*", footnote()])
    return rows


def header(stats: Statistics) -> list[str]:
    cells = [_("Indicator"), _("Code"), _("Measure")]
    for unit in stats.units:
        cells += [unit.label, _("%(unit)s: n") % {"unit": unit.label}]
    return cells


def _plain(value: float):
    return int(value) if value == int(value) else value


def _csv_value(indicator, cell):
    """A shown figure as the page rounds it (a share in percent); else the page's words."""
    if not cell.shown or cell.value is None:
        return cell.text
    if indicator.kind == Kind.COUNT:
        return _plain(cell.value)
    return _plain(round(cell.value * (100 if indicator.kind == Kind.RATE else 1), 1))


def to_csv(stats: Statistics) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in preamble(stats):
        writer.writerow([csv_cell(v) for v in row])
    writer.writerow([])
    writer.writerow([csv_cell(v) for v in header(stats)])
    for row in selectors.table(stats):
        indicator = row["indicator"]
        line = [csv_cell(indicator.title), indicator.code, csv_cell(selectors.measure_label(indicator))]
        for _unit, cell in row["cells"]:
            value = _csv_value(indicator, cell)
            line += [csv_cell(value) if isinstance(value, str) else value,
                     cell.denominator if cell.denominator is not None and cell.n else ""]
        writer.writerow(line)
    return out.getvalue()


def _put(sheet, row: int, column: int, value, number_format: str = ""):
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # "=..." stays text: no formula in the workbook
    if number_format:
        cell.number_format = number_format
    return cell


def to_xlsx(stats: Statistics) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Monitoring")[:31]
    line = 1
    for values in preamble(stats):
        for column, value in enumerate(values, 1):
            _put(sheet, line, column, value).font = Font(bold=column == 1)
        line += 1
    line += 1
    for column, value in enumerate(header(stats), 1):
        _put(sheet, line, column, value).font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=line + 1, column=2)
    for row in selectors.table(stats):
        line += 1
        indicator = row["indicator"]
        _put(sheet, line, 1, str(indicator.title))
        _put(sheet, line, 2, indicator.code)
        _put(sheet, line, 3, selectors.measure_label(indicator))
        column = 4
        for _unit, cell in row["cells"]:
            if cell.shown and cell.value is not None:
                fmt = {Kind.COUNT: "0", Kind.RATE: "0.0%"}.get(indicator.kind, "0.0")
                _put(sheet, line, column, cell.value, fmt)
            else:
                _put(sheet, line, column, cell.text)
            if cell.denominator is not None and cell.n:
                _put(sheet, line, column + 1, cell.denominator, "0")
            column += 2
    sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def response(stats: Statistics, fmt: str, filename: str) -> HttpResponse:
    if fmt == "xlsx":
        result = HttpResponse(to_xlsx(stats), content_type=XLSX_TYPE)
    else:
        result = HttpResponse(to_csv(stats), content_type="text/csv; charset=utf-8")
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result

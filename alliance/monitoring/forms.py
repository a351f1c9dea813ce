"""The period picker of the dashboards: a GET form (kind, year, quarter, month, or a range of
months from … to …) that writes a period as periods.parse reads it, so every reason a period is
refused comes from one place. A link may give the period's code instead (`?period=2026-Q3`):
the picker then shows that period."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import StyledForm

from . import periods

KINDS = [("year", _("Year")), ("quarter", _("Quarter")), ("month", _("Month")),
         ("range", _("Range of months"))]
MONTH_FORMAT = _("Write a month as 2026-07.")
FIELDS = ("period", "kind", "year", "quarter", "month", "first", "last")


class PeriodForm(StyledForm):
    period = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Period"), choices=KINDS, required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=periods.FIRST_YEAR,
                              max_value=periods.LAST_YEAR)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, required=False, empty_value=None,
        choices=[(q, f"Q{q}") for q in range(1, 5)])
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, required=False,
                                   empty_value=None, choices=list(MONTHS.items()))
    first = forms.RegexField(label=_("From month"), regex=r"^\d{4}-\d{2}$", required=False,
                             error_messages={"invalid": MONTH_FORMAT},
                             widget=forms.TextInput(attrs={"type": "month",
                                                           "placeholder": "2026-01"}))
    last = forms.RegexField(label=_("To month"), regex=r"^\d{4}-\d{2}$", required=False,
                            error_messages={"invalid": MONTH_FORMAT},
                            widget=forms.TextInput(attrs={"type": "month",
                                                          "placeholder": "2026-06"}))

    def __init__(self, *args, allow_range: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_range = allow_range
        if not allow_range:
            # Offered only where it is allowed; a range asked for anyway gets periods.parse's
            # reason, not "not one of the available choices".
            self.fields["kind"].widget.choices = KINDS[:3]
            self.fields["first"].widget = forms.HiddenInput()
            self.fields["last"].widget = forms.HiddenInput()

    def _code(self, data: dict) -> str:
        kind, year = data.get("kind"), data.get("year")
        if kind in ("year", "quarter", "month") and year is None:
            raise ValidationError(_("Choose a year."), code="period")
        if kind == "year":
            return f"{year}"
        if kind == "quarter":
            if data.get("quarter") is None:
                raise ValidationError(_("Choose a quarter."), code="period")
            return f"{year}-Q{data['quarter']}"
        if kind == "month":
            if data.get("month") is None:
                raise ValidationError(_("Choose a month."), code="period")
            return f"{year}-{data['month']:02d}"
        if not data.get("first") or not data.get("last"):
            raise ValidationError(_("Choose the first and the last month of the range."),
                                  code="period")
        return f"{data['first']}..{data['last']}"

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        code = self._code(data) if data.get("kind") else data.get("period", "")
        data["period"] = periods.parse(code, allow_range=self.allow_range)
        return data


def fields_of(period: periods.Period) -> dict:
    """The picker's fields showing `period`."""
    return {"kind": period.kind, "year": period.first.year,
            "quarter": (period.first.month - 1) // 3 + 1, "month": period.first.month,
            "first": f"{period.first:%Y-%m}", "last": f"{period.last:%Y-%m}"}


def period_form(query, *, allow_range: bool) -> PeriodForm:
    """The bound picker for a request's query string: the picker's own fields, or a period's
    code (`?period=`, empty: the current year) shown in them."""
    data = {key: query.get(key, "") for key in FIELDS}
    if not data["kind"]:
        try:
            data.update(fields_of(periods.parse(data["period"], allow_range=allow_range)))
            data["period"] = ""
        except ValidationError:
            pass  # the form repeats the reason
    return PeriodForm(data, allow_range=allow_range)

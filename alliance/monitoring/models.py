"""Monitoring's one table: the monthly snapshot of every indicator for every agency.

`IndicatorValue` holds aggregates only (a count, or a numerator and a denominator) for one agency,
one calendar month and one indicator; no row names or points at a person. The daily job writes
it (snapshots.py) from the person-level records of the other modules, so that dashboards, exports
and the API read this small table and never scan person-level rows at request time. A row is
stored unsuppressed; disclosure control (disclosure.py) is applied when figures leave the agency
level (statistics.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorValue(models.Model):
    agency = models.ForeignKey("organisations.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="+")
    # Denormalised from the agency so that the regional figures are one GROUP BY on this table.
    jurisdiction = models.ForeignKey("organisations.Jurisdiction", verbose_name=_("jurisdiction"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the calendar month."))
    indicator = models.CharField(_("indicator"), max_length=40)
    # A count: numerator only. A rate: numerator / denominator. A mean: sum of the values /
    # number of values (denominator).
    numerator = models.FloatField(_("numerator"), default=0)
    denominator = models.PositiveIntegerField(_("denominator"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["agency", "month", "indicator"],
                                    name="indicator_value_unique"),
            models.CheckConstraint(condition=models.Q(numerator__gte=0),
                                   name="indicator_value_numerator_not_negative"),
        ]
        indexes = [models.Index(fields=["month", "indicator", "jurisdiction"],
                                name="indicator_value_region")]

    def __str__(self):
        return f"{self.indicator} {self.month:%Y-%m} {self.agency_id}"


class SnapshotMonth(models.Model):
    """A month whose indicator values have been computed (so that a month never computed shows
    as "not computed yet", never as zeros)."""

    month = models.DateField(_("month"), unique=True)
    computed_at = models.DateTimeField(_("computed at"))
    seconds = models.FloatField(_("time taken (seconds)"), default=0)

    class Meta:
        ordering = ["month"]
        verbose_name = _("computed month")
        verbose_name_plural = _("computed months")

    def __str__(self):
        return f"{self.month:%Y-%m}"

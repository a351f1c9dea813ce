"""What the assessment page (assessment.py) and the rating page (rating.py) share: the forms of
the additional factors and the address of an item on its domain's rating page."""

from django.urls import reverse

from alliance.core.i18n import current_language

from .. import selectors
from ..forms import FactorAddForm, FactorUpdateForm


def _factor_forms(assessment, section, bound=None):
    """The add form and one edit form per factor of a factor section (bound: the one posted)."""
    if section is None:
        return section
    definition, lang = assessment.instrument_version.parsed, current_language()
    slot = section["slot"]
    add = FactorAddForm(initial={"version": assessment.version}, definition=definition,
                        slot=slot, language=lang, prefix=f"add-{section['url_domain']}")
    for row in section["factors"]:
        factor = row["factor"]
        initial = {"name": factor.name, "evidence": factor.evidence, "stamp": row["stamp"]}
        rating = factor.rating
        if slot.named_ratings and isinstance(rating, dict):
            initial.update({f"rating:{code}": value for code, value in rating.items()})
        else:
            initial["rating"] = rating
        row["form"] = FactorUpdateForm(initial=initial, definition=definition, slot=slot,
                                       language=lang, prefix=f"f{factor.uuid.hex}")
    if bound is not None:
        key, form = bound
        if key == "add":
            add = form
        else:
            for row in section["factors"]:
                if row["pk"] == key:
                    row["form"] = form
    return {**section, "add_form": add}


def _rate_url(assessment, item_code: str) -> str:
    item = assessment.instrument_version.parsed.item(item_code)
    return (reverse("assessments:rate_domain", args=[assessment.uuid, item.domain])
            + f"#item-{selectors.dom_key(item_code)}")

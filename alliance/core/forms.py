"""Form plumbing shared by every app: Bootstrap classes, the edit version, service errors."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import Conflict

_GARBLED_VERSION = _("This form did not say which version of the record you changed. Reload "
                     "the page and make your change again.")


class StyledForm(forms.Form):
    """Adds Bootstrap classes so templates can render any form with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        """Set the classes; call again after adding fields at run time."""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple |
                          forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)


class VersionedForm(StyledForm):
    """Carries the version the user started from, so a stale edit becomes a Conflict: the
    record's version when the page was drawn (its view sets it as the form's initial), or 0 for
    a record not made yet.

    A form that sends no version started from nothing: version 0. Making a record needs no more;
    a change to an existing one (version 1 and up) is then refused as stale (409), so a client
    that leaves the version out can never overwrite someone else's change silently."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0,
                                 initial=0, error_messages={"invalid": _GARBLED_VERSION,
                                                            "min_value": _GARBLED_VERSION})

    def clean_version(self) -> int:
        return self.cleaned_data.get("version") or 0

    def clean(self):
        # The field is hidden, so its error would not show beside it: say it above the form.
        if "version" in self._errors:
            self.add_error(None, self._errors.pop("version"))
        return super().clean()


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_service(form: forms.Form, call):
    """Run a service for a valid form. Returns (result, status): the result or None, and the
    HTTP status to render with (409 for a stale edit). Errors land on the form's fields."""
    try:
        return call(), 200
    except Conflict as exc:
        form.add_error(None, exc.message)
        return None, 409
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return None, 200

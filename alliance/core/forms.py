"""Form plumbing shared by every app: Bootstrap classes, the edit version, service errors."""

from django import forms
from django.core.exceptions import ValidationError

from .errors import Conflict


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
    """Carries the version the user started from, so a stale edit becomes a Conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


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

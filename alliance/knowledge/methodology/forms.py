"""Forms of the methodology pages. The services decide (a title, published citations, the
person-data check, a summary of what changed) and apply_service puts their reasons on these
forms' fields; a form that changes a chapter or approves a version carries its edit version."""

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import StyledForm, VersionedForm

from ..models import MAX_TEXT
from .services import MAX_BODY, MAX_TITLE


def _confirm_field():
    return forms.BooleanField(
        label=_("This text holds no person-level data"), required=False,
        help_text=_("Tick this only after a warning of the person-data check, once you have "
                    "made sure the text names no person in our care."))


class MethodologyForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    description = forms.CharField(label=_("What it is for"), required=False,
                                  max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    confirm_no_person_data = _confirm_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Give the methodology a title.")


class ChapterForm(VersionedForm):
    title = forms.CharField(label=_("Chapter title"), max_length=MAX_TITLE)
    body = forms.CharField(label=_("Text"), required=False, max_length=MAX_BODY,
                           widget=forms.Textarea(attrs={"rows": 16}), help_text=_(
                               "Plain text; a blank line starts a new paragraph."))
    citations = forms.MultipleChoiceField(
        label=_("Entries cited"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Published entries of the knowledge base (hold Ctrl, or ⌘, to choose "
                    "several). They appear as numbered references."))
    confirm_no_person_data = _confirm_field()

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citations"].choices = entries
        self.fields["title"].error_messages["required"] = _("Give the chapter a title.")


class ApproveForm(VersionedForm):
    change_summary = forms.CharField(
        label=_("What changed"), required=False, max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}), help_text=_(
            "Readers see this with the version. Required after the first version."))
    confirm_no_person_data = _confirm_field()


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class DeleteForm(VersionedForm):
    pass

"""Forms of the knowledge base's pages. The services decide what matters (a jurisdiction where
the author works, a theme, the person-data check, the workflow) and apply_service puts their
reasons on these forms' fields. Every form that takes free text carries the person-data check's
confirmation; every form that changes an entry carries its edit version."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alliance.core.forms import StyledForm, VersionedForm

from ..models import MAX_TEXT, ContentLanguage, EntryKind, TargetGroup, Theme
from . import attachments
from .selectors import REGIONAL


def _regional_label():
    return _("The regional programme")


class ConfirmField(forms.BooleanField):
    """The person-data check's confirmation: ticked, its warnings are accepted (a person's
    reference is refused all the same)."""

    def __init__(self, **kwargs):
        super().__init__(label=_("This text holds no person-level data"), required=False,
                         help_text=_("Tick this only if the check warned about something that "
                                     "is not a person's data (a staff member's or an author's "
                                     "name, a date that is not a birth date)."), **kwargs)


class TextFields(VersionedForm):
    """An entry's text in one language."""

    title = forms.CharField(label=_("Title"), max_length=300)
    objectives = forms.CharField(label=_("Objectives"), required=False, max_length=MAX_TEXT,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(label=_("Description"), max_length=MAX_TEXT,
                                  widget=forms.Textarea(attrs={"rows": 8}), help_text=_(
                                      "What was done, where and how. No names, references or "
                                      "dates of birth of prisoners or clients."))
    findings = forms.CharField(label=_("Findings"), required=False, max_length=MAX_TEXT,
                               widget=forms.Textarea(attrs={"rows": 5}))
    confirm_no_person_data = ConfirmField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Give the entry a title.")
        self.fields["description"].error_messages["required"] = _(
            "Describe the practice, lesson, weakness, recommendation or paper.")

    def text_values(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "objectives": data["objectives"],
                "description": data["description"], "findings": data["findings"],
                "confirmed": data["confirm_no_person_data"]}


class EntryForm(TextFields):
    """A new entry, or a draft's metadata and original text."""

    kind = forms.ChoiceField(label=_("Kind of entry"), choices=[("", "—"), *EntryKind.choices])
    language = forms.ChoiceField(label=_("Written in"), choices=ContentLanguage.choices,
                                 help_text=_("The language of the text below. Translations "
                                             "are added once the entry is saved."))
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), help_text=_(
        "Where the practice or lesson comes from. The knowledge editors of that jurisdiction "
        "review it."))
    agency = forms.ChoiceField(label=_("Organisation"), required=False, help_text=_(
        "An organisation of that jurisdiction in Alliance, if it is one."))
    organisation = forms.CharField(label=_("Other organisation"), required=False,
                                   max_length=200, help_text=_(
                                       "An organisation that is not in Alliance."))
    target_group = forms.ChoiceField(label=_("Target group"),
                                     choices=[("", "—"), *TargetGroup.choices])
    themes = forms.MultipleChoiceField(label=_("Themes"), choices=Theme.choices,
                                       widget=forms.CheckboxSelectMultiple)

    field_order = ["kind", "language", "jurisdiction", "agency", "organisation", "target_group",
                   "themes", "title", "objectives", "description", "findings",
                   "confirm_no_person_data"]

    def __init__(self, *args, jurisdictions, agencies, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdictions = {str(j.uuid): j for j in jurisdictions}
        self.agencies = {str(a.uuid): a for a in agencies}
        self.fields["jurisdiction"].choices = [
            ("", "—"), *[(k, j.display_name) for k, j in self.jurisdictions.items()],
            (REGIONAL, _regional_label())]
        self.fields["agency"].choices = [("", "—"), *[
            (k, f"{a.jurisdiction.display_name if a.jurisdiction_id else _regional_label()}"
                f" · {a.name}") for k, a in self.agencies.items()]]
        if editing:
            # The original language is fixed: the other languages are translations.
            del self.fields["language"]
        messages = {"kind": _("Choose what kind of entry this is."),
                    "jurisdiction": _("Choose the jurisdiction, or the regional programme."),
                    "target_group": _("Choose the group the entry is about."),
                    "themes": _("Choose at least one theme.")}
        for name, message in messages.items():
            self.fields[name].error_messages["required"] = message

    def clean_jurisdiction(self):
        value = self.cleaned_data["jurisdiction"]
        return None if value == REGIONAL else self.jurisdictions[value]

    def clean_agency(self):
        value = self.cleaned_data["agency"]
        return self.agencies.get(value) if value else None

    def values(self) -> dict:
        data = self.cleaned_data
        values = {"kind": data["kind"], "jurisdiction": data["jurisdiction"],
                  "agency": data["agency"], "organisation": data["organisation"],
                  "target_group": data["target_group"], "themes": data["themes"],
                  **self.text_values()}
        if "language" in data:
            values["language"] = data["language"]
        return values


class TranslationForm(TextFields):
    language = forms.ChoiceField(label=_("Language"), help_text=_(
        "Choosing a language that has a version already changes that version."))

    field_order = ["language", "title", "objectives", "description", "findings",
                   "confirm_no_person_data"]

    def __init__(self, *args, original: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(c, label) for c, label in ContentLanguage.choices
                                           if c != original]


class SearchInput(forms.TextInput):
    input_type = "search"


class SearchForm(StyledForm):
    """The knowledge base's search box and filters (GET). A value not in a list is ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=SearchInput)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), required=False)
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    language = forms.ChoiceField(label=pgettext_lazy("content language", "Language"),
                                 required=False)

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["kind"].choices = [*anything, *EntryKind.choices]
        self.fields["theme"].choices = [*anything, *Theme.choices]
        self.fields["jurisdiction"].choices = [
            *anything, *[(j.code, j.display_name) for j in jurisdictions],
            (REGIONAL, _regional_label())]
        self.fields["target_group"].choices = [*anything, *TargetGroup.choices]
        self.fields["language"].choices = [*anything, *ContentLanguage.choices]
        self.fields["q"].widget.attrs["placeholder"] = _(
            "Words in any language, Latin or Cyrillic")

    def values(self) -> dict:
        """The valid filters (a bad one is dropped, not an error on a search page)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in self.fields}


class AttachForm(StyledForm):
    file = forms.FileField(label=_("File"))
    # The file's name joins the search document: it passes the person-data check.
    confirm_no_person_data = ConfirmField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = attachments.accept_attribute()
        self.fields["file"].help_text = _(
            "%(types)s, at most %(size)s MB. Files are stored encrypted.") % {
            "types": attachments.allowed_types(),
            "size": attachments.MAX_BYTES // (1024 * 1024)}
        self.fields["file"].error_messages["required"] = _("Choose a file to attach.")


class VersionOnlyForm(VersionedForm):
    """Submit, publish, delete: nothing to say but the version."""


class ReviewForm(VersionedForm):
    note = forms.CharField(label=_("Note to the author"), required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 3}))
    confirm_no_person_data = ConfirmField()


class ReturnForm(VersionedForm):
    note = forms.CharField(label=_("What the author should change"), max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 3}))
    confirm_no_person_data = ConfirmField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = _(
            "Say what the author should change.")


class WithdrawForm(VersionedForm):
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=MAX_TEXT,
                             widget=forms.Textarea(attrs={"rows": 3}))
    confirm_no_person_data = ConfirmField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Say why the entry is withdrawn.")


class LinkForm(VersionedForm):
    interventions = forms.MultipleChoiceField(
        label=_("Interventions this entry supports"), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_(
            "The catalogue's interventions offered now, by jurisdiction. Their pages list the "
            "entry once it is published."))

    def __init__(self, *args, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.interventions = {str(i.uuid): i for i in interventions}
        self.fields["interventions"].choices = [
            (k, f"{i.jurisdiction.display_name} · {i.name}")
            for k, i in self.interventions.items()]

    def clean_interventions(self):
        chosen = self.cleaned_data["interventions"]
        unknown = [k for k in chosen if k not in self.interventions]
        if unknown:
            raise ValidationError(_("Choose interventions from the list."))
        return [self.interventions[k] for k in chosen]

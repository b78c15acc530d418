from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from library.models import PlanTemplate
from workshops.forms import DateInput
from workshops.models import Organisation, Programme


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanTemplate) -> str:
        return obj.shown_title


def _number_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Day number"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_("Leave it empty to make it the programme's next day."),
    )


class _DayNumberMixin:
    """A day number that is free in the chosen programme, or none (the next)."""

    def check_number(self, programme: Programme | None, number: int | None) -> None:
        if programme is not None and number and programme.workshops.filter(number=number).exists():
            self.add_error(
                "number",
                _("The programme already has a day number %(number)s.") % {"number": number},
            )


class DayFromTemplateForm(_DayNumberMixin, forms.Form):
    template = TemplateChoiceField(
        label=_("Template"),
        queryset=PlanTemplate.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose a template.")},
    )
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages={"required": _("Choose the day's date.")},
    )
    number = _number_field()
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)

    def __init__(self, *args, programme: Programme, templates: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["template"].queryset = templates

    def clean(self) -> dict:
        cleaned = super().clean()
        self.check_number(self.programme, cleaned.get("number"))
        return cleaned


class CopyDayForm(_DayNumberMixin, forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Into the programme"), queryset=Programme.objects.none(), empty_label=None
    )
    date = forms.DateField(
        label=_("Date of the new day"),
        widget=DateInput(),
        error_messages={"required": _("Choose the new day's date.")},
    )
    number = _number_field()

    def __init__(self, *args, programmes: QuerySet[Programme], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes

    def clean(self) -> dict:
        cleaned = super().clean()
        self.check_number(cleaned.get("programme"), cleaned.get("number"))
        return cleaned


class ProgrammeForm(forms.Form):
    """A new programme from another (a copy) or from a template."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the programme a title.")},
    )
    first_date = forms.DateField(
        label=_("Date of the first day"),
        widget=DateInput(),
        help_text=_("The other days keep their spacing from the first."),
        error_messages={"required": _("Choose the date of the first day.")},
    )


class ProgrammeFromTemplateForm(ProgrammeForm):
    template = TemplateChoiceField(
        label=_("Template"),
        queryset=PlanTemplate.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose a template.")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    field_order = ["template", "organisation", "title", "first_date"]

    def __init__(
        self,
        *args,
        templates: QuerySet[PlanTemplate],
        organisations: QuerySet[Organisation],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["organisation"].queryset = organisations

    def clean(self) -> dict:
        cleaned = super().clean()
        template, organisation = cleaned.get("template"), cleaned.get("organisation")
        if template and organisation and template.organisation_id not in (None, organisation.pk):
            self.add_error(
                "template",
                _("That template belongs to another organisation; choose one of yours."),
            )
        return cleaned


class SaveTemplateForm(forms.Form):
    title = forms.CharField(
        label=_("Name of the template"),
        max_length=200,
        error_messages={"required": _("Give the template a name.")},
    )
    summary = forms.CharField(
        label=_("What it is for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A line or two your colleagues see when they choose a template."),
    )
    language = forms.ChoiceField(
        label=_("Written in"),
        choices=settings.LANGUAGES,
        help_text=_("The language of the agenda, the tasks and the notes."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        language = translation.get_language() or settings.LANGUAGE_CODE
        self.fields["language"].initial = language
        # Each language by its own name (norsk bokmål, nynorsk, English), as the switcher does.
        self.fields["language"].choices = [
            (code, translation.get_language_info(code)["name_local"].capitalize())
            for code, _name in settings.LANGUAGES
        ]

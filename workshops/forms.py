from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from workshops.models import (
    AgendaItem,
    NetworkGroup,
    Organisation,
    Participant,
    Programme,
    Workshop,
)


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["organisation", "title", "description", "retention_days"]
        labels = {"organisation": _("Organisation")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = None
        if self.instance.pk:
            # Moving a programme to another organisation would hand its people to strangers.
            del self.fields["organisation"]
        # Left empty (or posted by an older form), the period stays as it was or the default.
        self.fields["retention_days"].required = False

    def clean_retention_days(self) -> int:
        days = self.cleaned_data.get("retention_days")
        return days if days is not None else self.instance.retention_days


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%H:%M", **kwargs)


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["number", "date", "start_time", "end_time", "venue", "theme", "between_work"]
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "between_work": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean_number(self) -> int:
        number = self.cleaned_data["number"]
        taken = Workshop.objects.filter(programme=self.programme, number=number)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("The programme already has a day number %(number)s."),
                params={"number": number},
                code="duplicate",
            )
        return number

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The planned end must be after the start time."))
        return cleaned


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["kind", "title", "duration_minutes", "description", "facilitator_notes"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "facilitator_notes": forms.Textarea(attrs={"rows": 3}),
            "duration_minutes": forms.NumberInput(attrs={"min": 1, "max": 600, "step": 1}),
        }
        error_messages = {
            "title": {"required": _("Give the item a title.")},
            "duration_minutes": {"required": _("Give the item a duration in minutes.")},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The form field of a PositiveSmallIntegerField writes min="0" over the widget's
        # min="1"; the model refuses 0, so the input must not offer it.
        self.fields["duration_minutes"].widget.attrs["min"] = 1


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["name", "email", "title", "network_group"]
        error_messages = {"name": {"required": _("Write the participant's name.")}}

    # Attributes, not inline: a row of an imported roster words them as parts of its message.
    name_taken = _("%(name)s is already on the roster.")
    email_taken = _("Someone on the roster already has this email address.")

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["network_group"].queryset = programme.groups.all()
        self.fields["network_group"].empty_label = _("No group yet")

    def _others(self) -> QuerySet[Participant]:
        others = Participant.objects.filter(programme=self.programme)
        return others.exclude(pk=self.instance.pk) if self.instance.pk else others

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if self._others().filter(name__iexact=name).exists():
            raise forms.ValidationError(self.name_taken, params={"name": name}, code="duplicate")
        return name

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email and self._others().filter(email__iexact=email).exists():
            raise forms.ValidationError(self.email_taken, code="duplicate")
        return email


class RosterRowForm(ParticipantForm):
    """One row of an imported roster. Its messages follow "Row 3: " and are joined with "; "
    when a row has several problems."""

    class Meta(ParticipantForm.Meta):
        error_messages = {
            "name": {
                "required": _("the name is missing"),
                "max_length": _("the name is longer than 120 characters"),
            },
            "email": {"invalid": _("“%(value)s” is not a valid email address")},
            "title": {"max_length": _("the title is longer than 120 characters")},
        }

    name_taken = _("%(name)s is already on the roster")
    email_taken = _("the email address is already on the roster")


class NetworkGroupForm(forms.ModelForm):
    class Meta:
        model = NetworkGroup
        fields = ["name"]
        error_messages = {"name": {"required": _("Give the group a name.")}}

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        taken = NetworkGroup.objects.filter(programme=self.programme, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("There is already a group called %(name)s."), params={"name": name}
            )
        return name


class RosterImportForm(forms.Form):
    MAX_BYTES = 1_000_000

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: name, email, title, network group (Norwegian headings work too). "
            "Comma or semicolon separated, as Excel saves it."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 1 MB)."))
        return upload


class GroupFillForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of groups"),
        min_value=1,
        max_value=50,
        initial=4,
        help_text=_("Missing groups are created; people without a group are spread evenly."),
    )


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The code on the big screen, six letters and digits."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "code-input",
            }
        ),
        error_messages={"required": _("Type the code from the big screen.")},
    )

    def clean_code(self) -> str:
        from workshops.models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, normalise_join_code

        code = normalise_join_code(self.cleaned_data["code"])
        if len(code) != JOIN_CODE_LENGTH or any(ch not in JOIN_CODE_ALPHABET for ch in code):
            raise forms.ValidationError(
                _("A code has six letters and digits, without 0, O, 1 or I. Check the screen.")
            )
        return code


class JoinNameForm(forms.Form):
    """Who joins: a name from the list (each name is a button on the page, sending its id as
    `participant`) or, for someone not on it, a typed name."""

    participant = forms.ModelChoiceField(
        label=_("Your name"),
        queryset=Participant.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("That name is not on the list. Pick it again.")},
    )
    display_name = forms.CharField(
        label=_("Your name as others should see it"),
        max_length=60,
        required=False,
    )
    # Not required when a name is picked from the list, but the form that shows it is the one
    # for people who are not on the list: there it must be filled in.
    display_name.optional_mark = False

    def __init__(
        self, *args, roster: QuerySet[Participant], roster_only: bool = False, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = roster
        self.roster_only = roster_only

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned["display_name"] = " ".join(cleaned.get("display_name", "").split())
        if self.errors:
            return cleaned
        if cleaned.get("participant"):
            return cleaned
        if self.roster_only:
            raise forms.ValidationError(
                _("Only people on the list can join this day. Pick your name.")
            )
        if not cleaned["display_name"]:
            self.add_error("display_name", _("Write the name others should see."))
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your personal code"),
        max_length=20,
        help_text=_("Ten letters and digits, shown on your phone after you joined a day."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

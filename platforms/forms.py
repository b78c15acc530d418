from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from platforms.models import PosterRender, Step
from platforms.services import clean_lines
from workshops import logos
from workshops.models import Organisation

ONE_PER_LINE = _("One per line.")


class LinesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 5})

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", ONE_PER_LINE)
        kwargs.setdefault("max_length", 20_000)
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:  # type: ignore[override]
        return clean_lines(super().to_python(value))

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value


class PurposeForm(forms.Form):
    lead = forms.CharField(
        label=_("Purpose"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example “Our leader group creates value for the organisation by …”"),
    )
    points = LinesField(label=_("Points"))


class VisionForm(forms.Form):
    vision = forms.CharField(label=_("Vision"), required=False, max_length=300)
    alternatives = LinesField(
        label=_("Other proposals"), help_text=_("Proposals not chosen are kept. One per line.")
    )


class ValueAddForm(forms.Form):
    name = forms.CharField(label=_("Value"), max_length=80)
    meaning = forms.CharField(label=_("What it means"), max_length=500, required=False)


class ValueForm(ValueAddForm):
    ourselves = LinesField(label=_("What we expect of ourselves"))
    each_other = LinesField(label=_("What we expect of each other"))
    others = LinesField(label=_("What others can expect of us"))


class StepForm(forms.Form):
    step = forms.TypedChoiceField(label=_("Current step"), choices=Step.choices, coerce=int)


class VersionNameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)


class RenderForm(forms.Form):
    size = forms.ChoiceField(label=_("Size"), choices=PosterRender.Size.choices, initial="a3")
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="nb")


class ReportForm(forms.Form):
    """Used with prefix="report": the poster's form on the same page has a language too."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="nb")


class BrandForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["brand_primary", "brand_secondary", "logo"]
        widgets = {
            "brand_primary": forms.TextInput(attrs={"type": "color"}),
            "brand_secondary": forms.TextInput(attrs={"type": "color"}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        }
        help_texts = {"logo": logos.HELP_TEXT}

    def clean_logo(self):
        # A new upload is checked and stored as a PNG Samling wrote (workshops/logos.py).
        return logos.clean_upload(self.cleaned_data["logo"])

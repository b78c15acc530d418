"""Reflection: a prompt answered alone and privately; each person may choose to share their
answer with their group, and shared answers appear in the group's own view."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exercises import grouping as groups
from exercises.kinds import common
from exercises.models import Member
from exercises.phases import Phase

NAME = "reflection"
LABEL = _("Reflection")
TEMPLATE = "exercises/kinds/reflection.html"
KEY = "reflection"


class SettingsForm(forms.Form):
    prompt = forms.CharField(
        label=_("Question"),
        max_length=500,
        initial=_(
            "Think of a leader you found good. What did that person do, and how did it affect you?"
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=60, initial=3)
    max_length = forms.IntegerField(
        label=_("Longest answer (characters)"), min_value=50, max_value=5000, initial=1500
    )

    PHASE_MINUTES = ("minutes",)


def settings_of(run) -> dict:
    return common.settings_of(SettingsForm, run)


def grouping(settings: dict) -> dict:
    # Answers are shared with the network group, the people one meets between the days.
    return {"mode": groups.NETWORK_GROUPS, "roles": []}


def phases(settings: dict) -> list[Phase]:
    return [Phase("reflect", _("Reflect"), settings.get("minutes", 3))]


class AnswerForm(forms.Form):
    shared = forms.BooleanField(label=_("Share my answer with my group"), required=False)

    def __init__(self, *args, max_length: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"] = forms.CharField(
            label=_("Your answer (only you see it unless you share it)"),
            max_length=max_length,
            widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={
                "required": _("Write something first."),
                "max_length": _("Keep it to %(limit_value)d characters (this has %(show_value)d)."),
            },
        )


def _mine(run, attendee):
    return run.submissions.filter(key=KEY, author=attendee).last()


def submit(run, attendee, data, token):

    from exercises.runs import submit as save

    settings = settings_of(run)
    form = AnswerForm(data, max_length=settings["max_length"])
    if not form.is_valid():
        return form
    member = Member.objects.filter(run=run, attendee=attendee).first()
    submission, created = save(
        run,
        attendee,
        key=KEY,
        text=form.cleaned_data["text"],
        token=token,
        replace=True,  # one answer per person: saving again replaces it
        data={"shared": form.cleaned_data["shared"]},
    )
    if created and member is not None:
        submission.group_id = member.group_id
        submission.save(update_fields=["group"])
        common.publish_group(run, member.group_id)
    return AnswerForm(
        initial={"text": submission.text, "shared": submission.data.get("shared", False)},
        max_length=settings["max_length"],
    )


def context(run, attendee=None) -> dict:
    settings = settings_of(run)
    answers = run.submissions.filter(key=KEY)
    mine = _mine(run, attendee) if attendee else None
    kept = common.kept(run)
    return {
        "settings": settings,
        "answered": answers.count() + kept.get("answered", 0),
        "shared": _shared(answers) + kept.get("shared", 0),
        "mine": mine,
        "form": AnswerForm(
            initial={"text": mine.text, "shared": mine.data.get("shared", False)} if mine else None,
            max_length=settings["max_length"],
        ),
    }


def _shared(answers) -> int:
    return sum(1 for data in answers.values_list("data", flat=True) if data.get("shared"))


def keep(run, leaving) -> dict:
    """Answers are private: of deleted ones only the counts stay."""
    answers = leaving.filter(key=KEY)
    return common.add_counts(run, answered=answers.count(), shared=_shared(answers))


def group_context(run, group) -> dict:
    """Only what members chose to share; an unshared answer never leaves its author."""
    return {
        "members": list(group.members.select_related("attendee")),
        "shared": [
            s
            for s in run.submissions.filter(key=KEY, group=group).select_related("author")
            if s.data.get("shared")
        ],
    }


ACTIONS: dict = {}


def export(run) -> tuple[list[str], list[list]]:
    # Reflections are private: the export counts, it never quotes.
    ctx = context(run)
    return [gettext("Answers"), gettext("Shared with the group")], [
        [ctx["answered"], ctx["shared"]]
    ]

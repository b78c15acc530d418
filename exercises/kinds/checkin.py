"""Check-in: the action-learning check-in of the day, as an agenda item, so phones show it live.

What the person writes is their check-in on their personal page: the same answers, one per
question, person and day (workshops.personal.save_answer), editable from either place and
private unless they share an answer with their network group. So nothing is stored on the run;
the room, the projector and the console see how many have checked in, never what anyone wrote.

Editable from either place means either may be out of date: the phone's form carries a digest
of each answer as it was drawn, and an answer changed on the personal page since then is not
overwritten with the older text; the phone shows the newer one and says why.

A check-in belongs to a person on the roster. A phone that joined under a typed name has no
personal page, and is told so instead of being offered a form that could save nowhere.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exercises.kinds import common
from exercises.phases import Phase
from workshops import identity, personal, push
from workshops.models import CHECKIN_QUESTIONS, ActionLearningAnswer, Attendee

NAME = "checkin"
LABEL = _("Check-in (action-learning project)")
SUMMARY = _(
    "The action-learning check-in: what I tried, what I learnt, what I take with me, and a "
    "problem for peer coaching."
)
EXAMPLE = _("Ten minutes at the end of the day. The answers land on each person’s own page.")
# The settings that time the phases: the exercise library fits them to the agenda item.
MINUTES = ("minutes",)
TEMPLATE = "exercises/kinds/checkin.html"

Question = ActionLearningAnswer.Question


class SettingsForm(forms.Form):
    intro = forms.CharField(
        label=_("Introduction"),
        max_length=500,
        required=False,
        initial=_(
            "Your check-in for today. It is saved on your personal page, where you can change it "
            "later. Only you see it, unless you share an answer with your network group."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=60, initial=10)


def settings_of(run) -> dict:
    return common.settings_of(SettingsForm, run)


def phases(settings: dict) -> list[Phase]:
    return [Phase("checkin", _("Check in"), settings.get("minutes", 10))]


def _shared_name(question: str) -> str:
    return f"{question}-shared"


def _seen_name(question: str) -> str:
    return f"{question}-seen"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class CheckInForm(forms.Form):
    """The four check-in questions, each with its own choice to share it."""

    def __init__(self, *args, answered: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Someone who checked in before may empty every answer; a first check-in says something.
        self.answered = answered
        for question in CHECKIN_QUESTIONS:
            self.fields[question] = forms.CharField(
                label=Question(question).label,
                required=False,
                max_length=ActionLearningAnswer.MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={
                    "max_length": _(
                        "Keep it to %(limit_value)d characters (this has %(show_value)d)."
                    ),
                },
            )
            self.fields[_shared_name(question)] = forms.BooleanField(
                label=_("Share with my network group"), required=False
            )
            self.fields[_seen_name(question)] = forms.CharField(
                required=False, widget=forms.HiddenInput
            )

    def clean(self):
        cleaned = super().clean()
        if not self.answered and not any(cleaned.get(q) for q in CHECKIN_QUESTIONS):
            raise forms.ValidationError(gettext("Write at least one answer first."))
        return cleaned

    # What the template draws: a template can't look a field up by a computed name.
    def items(self) -> list[dict]:
        items = []
        for question in CHECKIN_QUESTIONS:
            field, shared = self[question], self[_shared_name(question)]
            items.append(
                {
                    "question": question,
                    "label": field.label,
                    "name": field.html_name,
                    "value": field.value() or "",
                    "errors": field.errors,
                    "shared_name": shared.html_name,
                    "shared": bool(shared.value()),
                    "seen_name": self[_seen_name(question)].html_name,
                    "seen": self[_seen_name(question)].value() or "",
                    "max_length": ActionLearningAnswer.MAX_LENGTH,
                }
            )
        return items


def _answers(participant_id: int | None, workshop_id: int) -> dict[str, ActionLearningAnswer]:
    if participant_id is None:
        return {}
    return {
        answer.question: answer
        for answer in ActionLearningAnswer.objects.filter(
            participant_id=participant_id, workshop_id=workshop_id, question__in=CHECKIN_QUESTIONS
        )
    }


def _form_of(answers: dict[str, ActionLearningAnswer]) -> CheckInForm:
    initial = {_seen_name(question): _digest("") for question in CHECKIN_QUESTIONS}
    for question, answer in answers.items():
        initial[question] = answer.text
        initial[_shared_name(question)] = answer.shared
        initial[_seen_name(question)] = _digest(answer.text)
    return CheckInForm(initial=initial, answered=_checked_in(answers))


def _changed_since_drawn(form: CheckInForm, answers: dict, token) -> list[str]:
    """The questions whose answer changed elsewhere after the phone drew its form, and which
    the phone would now overwrite with other text."""
    changed = []
    for question in CHECKIN_QUESTIONS:
        answer = answers.get(question)
        current = answer.text if answer else ""
        seen = form.cleaned_data[_seen_name(question)]
        retried = answer is not None and str(token) in answer.tokens
        if (
            seen
            and not retried
            and seen != _digest(current)
            and form.cleaned_data[question] != current
        ):
            changed.append(question)
    return changed


def _with_newer(data, answers: dict, changed: list[str]) -> CheckInForm:
    """The phone's form again, with the newer answers where they changed, and saying so."""
    data = data.copy()
    for question in changed:
        answer = answers.get(question)
        data[question] = answer.text if answer else ""
        data[_seen_name(question)] = _digest(data[question])
        if answer is not None and answer.shared:
            data[_shared_name(question)] = "on"
        else:
            data.pop(_shared_name(question), None)
    form = CheckInForm(data, answered=True)
    form.is_valid()
    for question in changed:
        form.add_error(
            question,
            gettext(
                "This answer was changed on your personal page after this form was opened. "
                "Here is the newer text: change it again if you like, and save."
            ),
        )
    return form


def _checked_in(answers: dict[str, ActionLearningAnswer]) -> bool:
    return any(answer.text for answer in answers.values())


def submit(run, attendee, data, token):

    page = _page_of(attendee)
    answers = _answers(page, run.workshop_id)
    form = CheckInForm(data, answered=_checked_in(answers))
    form.is_valid()
    if attendee.participant_id is None:
        form.add_error(None, no_page_message())
    elif page is None:
        form.add_error(None, unproven_message())
    if form.errors:
        return form
    # All or nothing: the phone resends the whole form with the same token.
    changed = _changed_since_drawn(form, answers, token)
    if changed:
        return _with_newer(data, answers, changed)
    with transaction.atomic():
        for question in CHECKIN_QUESTIONS:
            text = form.cleaned_data[question]
            if not text and question not in answers:
                continue  # an empty answer that was never written is no record
            # The phone's one token for all four: a retried send changes none of them again.
            personal.save_answer(
                attendee.participant,
                question,
                text,
                shared=form.cleaned_data[_shared_name(question)],
                workshop=run.workshop,
                token=token,
            )
        push.day_changed(run.workshop_id, ("presenter", "console"), burst=True)
    return _form_of(_answers(page, run.workshop_id))


def _page_of(attendee) -> int | None:
    """Whose personal page this phone writes the check-in on: its person's, once it has shown
    it is them (workshops/identity.py). A phone that only picked the name from the list must
    neither read what the person wrote at home nor write over it."""
    if attendee is None or attendee.participant_id is None:
        return None
    if not identity.is_known(attendee.participant, attendee.device_hash):
        return None
    return attendee.participant_id


def unproven_message() -> str:
    return gettext(
        "Your check-in is kept on your personal page. Show first that this phone is you: then "
        "you can write it here."
    )


def no_page_message() -> str:
    return gettext(
        "Your check-in is kept on your personal page, and only people on the list of "
        "participants have one. You joined under a name you typed, so there is nowhere to save "
        "it. Ask the facilitator to put you on the list, then join again with your name from it."
    )


def counts(run) -> dict:
    """How many have checked in for the day, and how many could: never who wrote what.

    Counted from the personal pages' answers and the day's attendances, plus what erasure and
    retention took away from them (kept on the run, see `people_leaving`)."""
    live = _people(
        ActionLearningAnswer.objects.filter(workshop=run.workshop_id),
        Attendee.objects.filter(workshop=run.workshop_id),
    )
    kept = run.state.get("kept", {})
    return {name: count + kept.get(name, 0) for name, count in live.items()}


def people_leaving(run, answers, attendees) -> dict[str, int]:
    """What deleting these answers and attendances (of any days) takes from this run's counts:
    the run keeps it (exercises/privacy.py). Unlike the other kinds' rows, these can't stay
    anonymised: an attendance is its person, a check-in is on their page."""
    return _people(
        answers.filter(workshop=run.workshop_id), attendees.filter(workshop=run.workshop_id)
    )


def _people(answers, attendees) -> dict[str, int]:
    return {
        "checked_in": answers.filter(question__in=CHECKIN_QUESTIONS)
        .exclude(text="")
        .values("participant")
        .distinct()
        .count(),
        "on_roster": attendees.filter(participant__isnull=False).count(),
        "without_page": attendees.filter(participant__isnull=True).count(),
    }


def room_context(run) -> dict:
    return {
        "settings": settings_of(run),
        "questions": [Question(question).label for question in CHECKIN_QUESTIONS],
        **counts(run),
    }


def phone_context(run, attendee) -> dict:
    """The person's check-in as their personal page holds it, once the phone has shown it is
    them; else why it can't be written here."""
    page = _page_of(attendee)
    answers = _answers(page, run.workshop_id)
    return {
        "has_page": page is not None,
        "unproven": attendee.participant_id is not None and page is None,
        "no_page": no_page_message(),
        "unproven_message": unproven_message(),
        "answered": _checked_in(answers),
        "form": _form_of(answers),
    }


ACTIONS: dict = {}


def export(run) -> tuple[list[str], list[list]]:
    # Check-ins are private: the export counts, it never quotes.
    found = counts(run)
    return [
        gettext("Checked in"),
        gettext("Joined from the list of participants"),
        gettext("Joined under a typed name"),
    ], [[found["checked_in"], found["on_roster"], found["without_page"]]]


def participants(run) -> int:
    """Who took part: those who checked in (a check-in is saved on the personal page, not as
    a submission of the run; see exercises/results.py)."""
    return counts(run)["checked_in"]

"""Reflection: one or several questions, each answered alone and privately. A person may share
any of their answers with their group; shared answers appear in the group's own view, the rest
never leave their author. The room and the facilitator see how many answered, never what.

A person's answers are one submission, replaced when they save again: its data holds each
question with its answer and whether it is shared ("answers"). Answers saved before a
reflection could ask several questions hold one text and one "shared" flag: they read as the
answer to the first question.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exercises import grouping as groups
from exercises.kinds import common
from exercises.models import Member
from exercises.phases import Phase
from workshops import push

NAME = "reflection"
LABEL = _("Reflection")
SUMMARY = _("A question each person answers alone. Private, unless they share it with their group.")
EXAMPLE = _(
    "“Think of a leader you found good. What did that person do, and how did it affect you?”"
)
# The settings that time the phases: the exercise library fits them to the agenda item.
MINUTES = ("minutes",)
TEMPLATE = "exercises/kinds/reflection.html"
KEY = "reflection"
# Stands for an answer erasure took away: it was written, and counts, but is nobody's words.
ERASED = "–"
MOST_QUESTIONS = 10
LONGEST_QUESTION = 300


class SettingsForm(forms.Form):
    prompt = forms.CharField(
        label=_("Questions, one per line"),
        max_length=MOST_QUESTIONS * (LONGEST_QUESTION + 1),
        initial=_(
            "Think of a leader you found good. What did that person do, and how did it affect you?"
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Each question gets its own answer. Ask one, or several in a row."),
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=60, initial=3)
    max_length = forms.IntegerField(
        label=_("Longest answer (characters)"), min_value=50, max_value=5000, initial=1500
    )

    def clean_prompt(self) -> str:
        asked = questions_in(self.cleaned_data["prompt"])
        if not asked:
            raise forms.ValidationError(gettext("Write at least one question."))
        problems = []
        if len(asked) > MOST_QUESTIONS:
            problems.append(
                gettext("Ask at most %(most)s questions (this has %(count)s).")
                % {"most": MOST_QUESTIONS, "count": len(asked)}
            )
        problems += [
            gettext("Keep each question to %(most)s characters (“%(start)s…” has %(count)s).")
            % {"most": LONGEST_QUESTION, "start": question[:30], "count": len(question)}
            for question in asked
            if len(question) > LONGEST_QUESTION
        ]
        if len(set(asked)) < len(asked):
            problems.append(gettext("A question is there twice; ask each once."))
        if problems:
            raise forms.ValidationError(problems)
        return "\n".join(asked)


def questions_in(text: str) -> list[str]:
    return [line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line]


def settings_of(run) -> dict:
    return common.settings_of(SettingsForm, run)


def questions(settings: dict) -> list[str]:
    return questions_in(str(settings["prompt"]))


def grouping(settings: dict) -> dict:
    # Answers are shared with the network group, the people one meets between the days.
    return {"mode": groups.NETWORK_GROUPS, "roles": []}


def phases(settings: dict) -> list[Phase]:
    return [Phase("reflect", _("Reflect"), settings.get("minutes", 3))]


def answers_of(submission, asked: list[str]) -> list[tuple[str, str, bool]]:
    """A saved submission's (question, answer, shared), each question once."""
    data = submission.data
    if "answers" in data:
        return [(question, text, bool(shared)) for question, text, shared in data["answers"]]
    first = asked[0] if asked else ""
    return [(first, submission.text, bool(data.get("shared")))]


class AnswerForm(forms.Form):
    """An answer to each question, each with its own choice to share it."""

    def __init__(self, *args, questions: list[str], max_length: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for index, question in enumerate(questions):
            self.fields[f"text-{index}"] = forms.CharField(
                label=question,
                required=False,
                max_length=max_length,
                widget=forms.Textarea(attrs={"rows": 5}),
                error_messages={
                    "max_length": _(
                        "Keep it to %(limit_value)d characters (this has %(show_value)d)."
                    ),
                },
            )
            self.fields[f"shared-{index}"] = forms.BooleanField(
                label=_("Share this answer with my group"), required=False
            )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(
            (cleaned.get(f"text-{index}") or "").strip() for index in range(len(self.questions))
        ):
            raise forms.ValidationError(gettext("Write something first."))
        return cleaned

    def answers(self) -> list[list]:
        """What is stored: each question with its answer and whether it is shared. An empty
        answer is never shared."""
        result = []
        for index, question in enumerate(self.questions):
            text = self.cleaned_data.get(f"text-{index}", "").strip()
            result.append([question, text, bool(text) and self.cleaned_data[f"shared-{index}"]])
        return result

    # What the template draws: a template can't look a field up by a computed name.
    def items(self) -> list[dict]:
        return [
            {
                "index": index,
                "question": question,
                "name": f"text-{index}",
                "value": self[f"text-{index}"].value() or "",
                "errors": self[f"text-{index}"].errors,
                "shared_name": f"shared-{index}",
                "shared": bool(self[f"shared-{index}"].value()),
            }
            for index, question in enumerate(self.questions)
        ]


def _mine(run, attendee):
    return run.submissions.filter(key=KEY, author=attendee).last()


def _form(settings: dict, mine) -> AnswerForm:
    """The person's form, with what they saved (matched by question, should the questions
    have been edited since)."""
    asked = questions(settings)
    initial = {}
    if mine is not None:
        saved = {question: (text, shared) for question, text, shared in answers_of(mine, asked)}
        for index, question in enumerate(asked):
            if question in saved:
                initial[f"text-{index}"], initial[f"shared-{index}"] = saved[question]
    return AnswerForm(initial=initial, questions=asked, max_length=settings["max_length"])


def submit(run, attendee, data, token):
    from exercises.runs import submit as save

    settings = settings_of(run)
    form = AnswerForm(data, questions=questions(settings), max_length=settings["max_length"])
    if not form.is_valid():
        return form
    answers = form.answers()
    member = Member.objects.filter(run=run, attendee=attendee).first()
    submission, created = save(
        run,
        attendee,
        key=KEY,
        text="\n\n".join(text for _question, text, _shared in answers if text),
        token=token,
        replace=True,  # one set of answers per person: saving again replaces it
        data={"answers": answers},
    )
    if created and member is not None:
        submission.group_id = member.group_id
        submission.save(update_fields=["group"])
        push.group_changed(run.pk, [member.group_id])
    return _form(settings, submission)


def _tally(submissions, asked: list[str]) -> dict:
    """How many people answered and shared, in all and per question: counts, never texts."""
    people = shared_people = 0
    per_question = {question: [0, 0] for question in asked}
    for submission in submissions:
        answers = answers_of(submission, asked)
        people += 1
        shared_people += any(shared for _q, _t, shared in answers)
        for question, text, shared in answers:
            counts = per_question.setdefault(question, [0, 0])
            counts[0] += bool(text)
            counts[1] += shared
    return {"answered": people, "shared": shared_people, "per_question": per_question}


def room_context(run) -> dict:
    settings = settings_of(run)
    asked = questions(settings)
    tally = _tally(run.submissions.filter(key=KEY), asked)
    per_question = tally["per_question"]
    return {
        "settings": settings,
        "questions": asked,
        "answered": tally["answered"],
        "shared": tally["shared"],
        "per_question": [(question, *per_question.get(question, [0, 0])) for question in asked],
        "form": _form(settings, None),
    }


def phone_context(run, attendee) -> dict:
    """The person's own answers, in their form, and how many of them they have shared."""
    settings = settings_of(run)
    mine = _mine(run, attendee)
    mine_answers = answers_of(mine, questions(settings)) if mine else []
    return {
        "mine": mine,
        # Which of their answers the person has shared: all, some or none (for the status).
        "mine_shared": sum(shared for _q, text, shared in mine_answers if text),
        "mine_written": sum(1 for _q, text, _shared in mine_answers if text),
        "form": _form(settings, mine),
    }


def anonymised(submission) -> dict:
    """Answers are private: the row stays with which questions were answered and shared, so
    the counts stay, and with none of the words (a dash stands for each answer) and no group."""
    asked = questions(settings_of(submission.run))
    return {
        "data": {
            "answers": [
                [question, ERASED if text else "", shared]
                for question, text, shared in answers_of(submission, asked)
            ]
        }
    }


def group_context(run, group) -> dict:
    """Only what members chose to share; an unshared answer never leaves its author."""
    asked = questions(settings_of(run))
    shared = []
    for submission in run.submissions.filter(key=KEY, group=group).select_related("author"):
        answers = [(q, text) for q, text, on in answers_of(submission, asked) if on and text]
        if answers:
            shared.append({"author": submission.author, "answers": answers})
    return {
        "members": list(group.members.select_related("attendee")),
        "several": len(asked) > 1,
        "shared": shared,
    }


ACTIONS: dict = {}


def export(run) -> tuple[list[str], list[list]]:
    # Reflections are private: the export counts, it never quotes.
    ctx = room_context(run)
    header = [gettext("Question"), gettext("Answers"), gettext("Shared with the group")]
    return header, [
        [question, answered, shared] for question, answered, shared in ctx["per_question"]
    ]

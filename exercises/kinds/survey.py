"""Survey (egenvurdering): statements answered on a 1–5 scale in sections, and written answers.

Answers are private to the person. The room and the facilitator see totals only (n, mean and
distribution per statement, written answers without names and out of order), and only once
enough people have answered that no one can be singled out. A person sees their own answers
again, and their change since they answered the same statements on an earlier day.

An anonymous survey keeps no link from answers to people at all, not even for the person.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exercises.aggregate import (
    FEWEST_ANSWERS_SHOWN,
    SCALE,
    answers_needed,
    open_answers,
    score_changes,
    statement_key,
    survey_scores,
)
from exercises.kinds import common
from exercises.phases import Phase
from workshops import push

NAME = "survey"
LABEL = _("Survey")
SUMMARY = _(
    "Statements on a scale from 1 to 5 and written answers. Private: the room sees totals only."
)
EXAMPLE = _("The RAUS check, a self-assessment of relational leadership, or feedback on the day.")
# The settings that time the phases: the exercise library fits them to the agenda item.
MINUTES = ("minutes",)
TEMPLATE = "exercises/kinds/survey.html"
KEY = "answers"

MOST_QUESTIONS = 40
LONGEST_QUESTION = 300
SECTION_MARK = "##"


@dataclass(frozen=True)
class Section:
    title: str
    statements: tuple[str, ...]


@dataclass(frozen=True)
class Survey:
    sections: tuple[Section, ...]
    questions: tuple[str, ...]  # answered in words

    @property
    def statements(self) -> list[str]:
        return [text for section in self.sections for text in section.statements]


def parse(statements: str, questions: str) -> Survey:
    """The survey the facilitator typed: a statement per line, "## " starting a section."""
    sections: list[Section] = []
    title, current = "", []
    for raw in (statements or "").splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        if line.startswith(SECTION_MARK):
            if title or current:
                sections.append(Section(title, tuple(current)))
            title, current = line.removeprefix(SECTION_MARK).strip(), []
        else:
            current.append(line)
    if title or current:
        sections.append(Section(title, tuple(current)))
    asked = tuple(
        line for line in (" ".join(q.split()) for q in (questions or "").splitlines()) if line
    )
    return Survey(tuple(sections), asked)


# The templates' statements are the survey's own text, in bokmål, not UI strings: the same
# words must come back on a later day for "change since last time" to find them, whatever
# language the facilitator's screen is in. They are a starting point; facilitators edit them.
TEMPLATES = {
    "raus": {
        "label": _("RAUS check"),
        "anonymous": False,
        "intro": "En rask sjekk av nærvær og trivsel på jobb, etter de fire nøklene i RAUS. "
        "Svar for deg selv, slik du har det nå.",
        "statements": "\n".join(
            [
                "## R – relasjon og respekt",
                "Jeg kjenner meg velkommen når jeg kommer på jobb.",
                "## A – anerkjennelse og ansvar",
                "Jeg opplever at det jeg gjør på jobben, blir sett og satt pris på.",
                "## U – utvikling",
                "Jobben gjør at jeg lærer noe og blir flinkere.",
                "## S – smil og samhandling",
                "Jeg får energi og glede av å være på jobb.",
            ]
        ),
        "questions": "Hva kan du gjøre for at flere kjenner seg velkomne og verdsatt hos dere?",
    },
    "relational": {
        "label": _("Self-assessment: relational leadership"),
        "anonymous": False,
        "intro": "Vurder deg selv som leder slik du er i dag, ikke slik du ønsker å være. "
        "Svarene er dine, og neste gang ser du hva som har endret seg.",
        "statements": "\n".join(
            [
                "## Menneskeorientering",
                "Jeg viser i hverdagen at jeg bryr meg om hver enkelt medarbeider.",
                "Jeg vet hva som motiverer medarbeiderne mine.",
                "## Kommunikasjon",
                "Jeg lytter for å forstå, ikke for å svare.",
                "Jeg sier tydelig hva jeg mener, og inviterer andre til å si sin mening.",
                "## Lederholdninger",
                "Jeg møter medarbeiderne som likeverdige og har tillit til at de vil gjøre "
                "en god jobb.",
                "Jeg er åpen om mine sterke og svake sider.",
                "## Emosjonell kompetanse",
                "Jeg merker hvordan jeg virker på andre, og justerer meg etter det.",
                "Jeg håndterer egne negative følelser også når det står på.",
                "## Coachende lederstil",
                "Jeg stiller spørsmål som hjelper medarbeiderne å finne egne løsninger.",
                "Tilbakemeldingene mine er konkrete, ærlige og handler om adferd.",
                "## Konflikthåndtering og relasjonelt mot",
                "Jeg tar opp vanskelige saker tidlig i stedet for å vente.",
                "Jeg sier ifra også når det er ubehagelig.",
                "## Utvikling av medarbeidere",
                "Jeg legger merke til og anerkjenner det medarbeiderne får til.",
                "Jeg legger til rette for at medarbeiderne kan lære, mestre og vokse.",
            ]
        ),
        "questions": "\n".join(
            [
                "Hva er dine to viktigste styrker som leder?",
                "Hva er dine to viktigste utviklingsområder, og hvordan vil du jobbe med dem?",
            ]
        ),
    },
    "day_feedback": {
        "label": _("Feedback on the day"),
        "anonymous": True,
        "intro": "Hvordan var dagen for deg? Svarene hjelper oss å gjøre neste samling bedre.",
        "statements": "\n".join(
            [
                "## Dagen i dag",
                "Dagen var nyttig for meg som leder.",
                "Jeg fikk delta aktivt og ble hørt.",
                "Øvelsene hjalp meg å forstå temaene bedre.",
                "Tempoet og tidsbruken passet for meg.",
                "## Veien videre",
                "Jeg vet hva jeg skal prøve ut før neste samling.",
            ]
        ),
        "questions": "\n".join(
            [
                "Hva tar du med deg fra dagen i dag?",
                "Hva bør vi gjøre annerledes neste gang?",
            ]
        ),
    },
    "blank": {
        "label": _("Blank: write your own"),
        "anonymous": False,
        "intro": "",
        "statements": "",
        "questions": "",
    },
}
FIRST = "raus"


class SettingsForm(forms.Form):
    template = forms.ChoiceField(
        label=_("Start from"),
        choices=[(key, template["label"]) for key, template in TEMPLATES.items()],
        initial=FIRST,
        help_text=_(
            "Choosing another template and saving fills in its text below, replacing what is "
            "there. Then edit it as you like and save again."
        ),
    )

    # Which template the text below came from: when `template` differs, it is to be loaded.
    loaded = forms.CharField(widget=forms.HiddenInput, required=False, initial=FIRST)
    intro = forms.CharField(
        label=_("Introduction"),
        max_length=500,
        required=False,
        initial=TEMPLATES[FIRST]["intro"],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    statements = forms.CharField(
        label=_("Statements (answered from 1 to 5)"),
        required=False,
        initial=TEMPLATES[FIRST]["statements"],
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One statement per line. A line starting with ## starts a section."),
    )
    questions = forms.CharField(
        label=_("Questions answered in words"),
        required=False,
        initial=TEMPLATES[FIRST]["questions"],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One question per line."),
    )
    # Each may be empty, but not both (checked in clean): neither is simply optional.
    statements.optional_mark = questions.optional_mark = False
    low_label = forms.CharField(label=_("1 means"), max_length=40, initial=_("Strongly disagree"))
    high_label = forms.CharField(label=_("5 means"), max_length=40, initial=_("Strongly agree"))
    anonymous = forms.BooleanField(
        label=_("Anonymous"),
        required=False,
        initial=TEMPLATES[FIRST]["anonymous"],
        help_text=_(
            "Nothing links the answers to a person, not even for them: no one can see their "
            "answers again or their change since last time."
        ),
    )
    min_answers = forms.IntegerField(
        label=_("Show results from this many answers"),
        min_value=FEWEST_ANSWERS_SHOWN,
        max_value=500,
        initial=5,
        error_messages={
            "min_value": _("At least %(limit_value)s, so no one can be singled out."),
        },
    )
    max_length = forms.IntegerField(
        label=_("Longest written answer (characters)"), min_value=50, max_value=2000, initial=500
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=120, initial=10)
    hidden_until_reveal = forms.BooleanField(
        label=_("Show results on the projector only when I reveal them"),
        required=False,
        initial=True,
    )

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("template")
        if chosen and chosen != cleaned.get("loaded"):
            self._load(chosen)
            raise ValidationError(
                gettext(
                    "The template “%(name)s” is filled in below. Read it through, change what "
                    "you like, and save."
                )
                % {"name": TEMPLATES[chosen]["label"]}
            )
        survey = parse(cleaned.get("statements", ""), cleaned.get("questions", ""))
        for field, message in problems(survey):
            self.add_error(field, message)
        return cleaned

    def _load(self, chosen: str) -> None:
        # A bound form shows what was posted; to show the template instead, change that.
        template = TEMPLATES[chosen]
        data = self.data.copy()
        for name in ("intro", "statements", "questions"):
            data[self.add_prefix(name)] = template[name]
        if template["anonymous"]:
            data[self.add_prefix("anonymous")] = "on"
        else:
            data.pop(self.add_prefix("anonymous"), None)
        data[self.add_prefix("loaded")] = chosen
        self.data = data


def problems(survey: Survey) -> list[tuple[str | None, str]]:
    """What is wrong with a survey as typed, as (field, message)."""
    found: list[tuple[str | None, str]] = []
    total = len(survey.statements) + len(survey.questions)
    if total == 0:
        found.append((None, gettext("Add at least one statement or question.")))
    elif total > MOST_QUESTIONS:
        found.append(
            (
                None,
                gettext(
                    "A survey takes at most %(most)s statements and questions (this has %(count)s)."
                )
                % {"most": MOST_QUESTIONS, "count": total},
            )
        )
    for field, lines in (
        ("statements", [s.title for s in survey.sections] + survey.statements),
        ("questions", list(survey.questions)),
    ):
        for line in lines:
            if len(line) > LONGEST_QUESTION:
                found.append(
                    (
                        field,
                        gettext(
                            "Keep each line to %(most)s characters (“%(start)s…” has %(count)s)."
                        )
                        % {"most": LONGEST_QUESTION, "start": line[:30], "count": len(line)},
                    )
                )
    for section in survey.sections:
        if not section.statements:
            found.append(
                (
                    "statements",
                    gettext("The section “%(title)s” has no statements.")
                    % {"title": section.title},
                )
            )
    for field, lines in (("statements", survey.statements), ("questions", survey.questions)):
        seen = set()
        for line in lines:
            if statement_key(line) in seen:
                found.append(
                    (
                        field,
                        gettext("“%(text)s” is there twice; each line must be different.")
                        % {"text": line[:60]},
                    )
                )
            seen.add(statement_key(line))
    return found


def settings_of(run) -> dict:
    return common.settings_of(SettingsForm, run)


def phases(settings: dict) -> list[Phase]:
    return [Phase("answer", _("Answer"), settings.get("minutes", 10))]


def field_name(prefix: str, text: str) -> str:
    # Named after the statement, not its position: a phone holding a form drawn before the
    # facilitator edited the survey can't put its answers against the wrong statements.
    return f"{prefix}{hashlib.sha256(statement_key(text).encode()).hexdigest()[:12]}"


class AnswerForm(forms.Form):
    def __init__(self, *args, survey: Survey, max_length: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        for text in survey.statements:
            self.fields[field_name("s", text)] = forms.TypedChoiceField(
                label=text,
                choices=[(value, str(value)) for value in SCALE],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose a number from 1 to 5."),
                    "invalid_choice": _("Choose a number from 1 to 5."),
                },
            )
        for text in survey.questions:
            self.fields[field_name("q", text)] = forms.CharField(
                label=text,
                required=False,
                max_length=max_length,
                widget=forms.Textarea,
                error_messages={
                    "max_length": _(
                        "Keep it to %(limit_value)d characters (this has %(show_value)d)."
                    ),
                },
            )

    def clean(self):
        cleaned = super().clean()
        if not self.survey.statements and not any(
            cleaned.get(field_name("q", text)) for text in self.survey.questions
        ):
            raise ValidationError(gettext("Write an answer first."))
        return cleaned

    def sheet(self) -> dict:
        """What is stored: lists of pairs, since a JSON object's key order may not survive."""
        return {
            "scores": [
                [text, self.cleaned_data[field_name("s", text)]] for text in self.survey.statements
            ],
            "answers": [
                [text, self.cleaned_data.get(field_name("q", text), "")]
                for text in self.survey.questions
            ],
        }

    # What the template draws: Django templates can't look a field up by a computed name.
    def sections(self) -> list[dict]:
        return [
            {
                "title": section.title,
                "items": [self._scale_item(text) for text in section.statements],
            }
            for section in self.survey.sections
        ]

    def _scale_item(self, text: str) -> dict:
        field = self[field_name("s", text)]
        value = str(field.value() or "")
        return {
            "text": text,
            "name": field.html_name,
            "errors": field.errors,
            "choices": [(option, str(option) == value) for option in SCALE],
        }

    def open_questions(self) -> list[dict]:
        items = []
        for text in self.survey.questions:
            field = self[field_name("q", text)]
            items.append(
                {
                    "text": text,
                    "name": field.html_name,
                    "errors": field.errors,
                    "value": field.value() or "",
                }
            )
        return items

    def error_count(self) -> int:
        return sum(len(errors) for name, errors in self.errors.items() if name != "__all__")


def submit(run, attendee, data, token):
    from exercises.runs import submit as save
    from workshops.models import TransitionRefused

    settings = settings_of(run)
    survey = parse(settings["statements"], settings["questions"])
    form = AnswerForm(data, survey=survey, max_length=settings["max_length"])
    if not form.is_valid():
        return form
    try:
        if settings["anonymous"]:
            _save_anonymous(run, attendee, form.sheet(), token)
        else:
            save(run, attendee, key=KEY, text="", token=token, limit=1, data=form.sheet())
    except TransitionRefused:
        form.add_error(None, gettext("You have answered this survey already; your answers stand."))
    return form


def _save_anonymous(run, attendee, sheet: dict, token) -> None:
    """Save the answers with no author, and separately note that this attendee has answered.

    Why a list of who answered at all: one person, one answer, and a phone that reloads must
    say "answered" instead of offering the form again. It lives in the run's state, apart from
    the answers, and holds attendee ids in id order, never in the order they answered, so
    nothing in the database ties a row of answers to a person. (What does remain is the time
    each row was saved; someone who watched who pressed "send" when could still match them,
    which is why the room only ever sees totals from several answers.)
    """
    from exercises.models import Run, Submission
    from workshops.models import TransitionRefused

    if Submission.objects.filter(token=token).exists():
        return  # a retry of what was already saved
    with transaction.atomic():
        locked = Run.objects.select_for_update().get(pk=run.pk)
        answered = set(locked.state.get("answered", []))
        if attendee.pk in answered:
            raise TransitionRefused(1)
        try:
            with transaction.atomic():
                Submission.objects.create(
                    run=locked, author=None, key=KEY, text="", token=token, data=sheet
                )
        except IntegrityError:
            return  # the same token, saved a moment ago by a parallel retry
        locked.state["answered"] = sorted(answered | {attendee.pk})
        # Not a facilitator's change: the version stays, so their open page isn't made stale.
        locked.save(update_fields=["state"])
        push.day_changed(locked.workshop_id, ("presenter", "console"), burst=True)
    run.state = locked.state


def _sheets(run) -> list[dict]:
    return list(run.submissions.filter(key=KEY).values_list("data", flat=True))


def room_context(run) -> dict:
    settings = settings_of(run)
    survey = parse(settings["statements"], settings["questions"])
    minimum = settings["min_answers"]
    sheets = _sheets(run)
    scores = survey_scores(
        [dict(sheet.get("scores", [])) for sheet in sheets], survey.statements, minimum
    )
    written = open_answers(
        [dict(sheet.get("answers", [])) for sheet in sheets], survey.questions, minimum
    )
    summaries = iter(scores)
    sections = [
        {
            "title": section.title,
            "items": [
                {"text": text, "summary": summary, "segments": _segments(summary)}
                for text, summary in zip(section.statements, summaries, strict=False)
            ],
        }
        for section in survey.sections
    ]
    needed = answers_needed(minimum)
    respondents = len(sheets)
    return {
        "settings": settings,
        "anonymous": settings["anonymous"],
        "respondents": respondents,
        "needed": needed,
        "enough": respondents >= needed,
        "sections": sections,
        # A survey of written answers only has no statements: no scale, no table of totals.
        "has_statements": bool(survey.statements),
        "open": list(zip(survey.questions, written, strict=True)) if written is not None else [],
        "revealed": run.state.get("revealed", False) or not settings["hidden_until_reveal"],
        "scale": SCALE,
        "form": AnswerForm(survey=survey, max_length=settings["max_length"]),
    }


def phone_context(run, attendee) -> dict:
    """Whether the phone's person has answered, and their own answers (see _mine)."""
    settings = settings_of(run)
    survey = parse(settings["statements"], settings["questions"])
    return {"answered": False, "mine": [], "mine_written": [], **_mine(run, attendee, survey)}


def _segments(summary) -> list[dict]:
    """The distribution as stacked bar pieces: x and width in per cent."""
    segments, x = [], 0.0
    for value, share in zip(SCALE, summary.shares, strict=False):
        segments.append({"value": value, "x": f"{x:.2f}", "width": f"{share:.2f}"})
        x += share
    return segments


def _mine(run, attendee, survey: Survey) -> dict:
    """The attendee's own answers and their change since an earlier day: for their phone only."""
    from exercises.models import Submission

    own = run.submissions.filter(key=KEY, author=attendee).first()
    answered = own is not None or attendee.pk in run.state.get("answered", [])
    if own is None:
        return {"answered": answered}
    scores = dict(own.data.get("scores", []))
    changes = {}
    if attendee.participant_id:
        earlier = (
            Submission.objects.filter(
                key=KEY,
                run__exercise__kind=NAME,
                author__participant_id=attendee.participant_id,
                run__workshop__programme_id=run.workshop.programme_id,
                run__workshop__number__lt=run.workshop.number,
            )
            .order_by("run__workshop__number", "created_at")
            .values_list("data", flat=True)
        )
        changes = score_changes(scores, [dict(data.get("scores", [])) for data in earlier])
    return {
        "answered": True,
        "mine": own_sections(survey, scores, changes),
        "mine_written": [(q, a) for q, a in own.data.get("answers", []) if a],
    }


def own_sections(survey: Survey, scores: dict, changes: dict) -> list[dict]:
    """One person's scores in the survey's sections, each with its change (see score_changes)."""
    mine = []
    for section in survey.sections:
        items = []
        for text in section.statements:
            key = statement_key(text)
            score = next((s for t, s in scores.items() if statement_key(t) == key), None)
            if score is None:
                continue
            change = changes.get(key)
            items.append(
                {
                    "text": text,
                    "score": score,
                    "change": change,
                    "distance": abs(change.delta) if change else 0,
                }
            )
        if items:
            mine.append({"title": section.title, "items": items})
    return mine


def history(participant) -> list[dict]:
    """The person's own answers to the surveys of their programme, day by day, each statement
    with its change since the first time they answered it. Anonymous surveys have no link to
    anyone, so they are not here, and nobody else's answers are."""
    from exercises.models import Submission

    own = (
        Submission.objects.filter(
            key=KEY,
            run__exercise__kind=NAME,
            author__participant=participant,
            run__workshop__programme_id=participant.programme_id,
        )
        .select_related("run__workshop", "run__exercise__agenda_item")
        .order_by("run__workshop__number", "created_at", "pk")
    )
    answered, earlier = [], []
    for submission in own:
        run = submission.run
        settings = settings_of(run)
        survey = parse(settings["statements"], settings["questions"])
        scores = dict(submission.data.get("scores", []))
        changes = score_changes(scores, earlier, since_first=True)
        answered.append(
            {
                "run": run,
                "workshop": run.workshop,
                "title": run.exercise.agenda_item.title,
                "sections": own_sections(survey, scores, changes),
                "written": [(q, a) for q, a in submission.data.get("answers", []) if a],
                "compared": bool(changes),
            }
        )
        earlier.append(scores)
    return answered


def own_page(participant) -> dict:
    """The person's own page shows their survey answers over the days (see history)."""
    return {"surveys": history(participant)}


def _reveal(run, data) -> str:
    run.state["revealed"] = True
    return ""


def _conceal(run, data) -> str:
    run.state["revealed"] = False
    return ""


ACTIONS = {"reveal": _reveal, "conceal": _conceal}


def anonymised(submission) -> dict:
    """An answer sheet stays with its scores, so every total stays; the written answers are
    the person's own words and go."""
    return {"data": {"scores": submission.data.get("scores", [])}}


def _not_shown(needed: int, count: int) -> str:
    return gettext("%(count)s of %(needed)s answers needed: not shown") % {
        "count": count,
        "needed": needed,
    }


def export_sheets(run) -> list[tuple[str, list[str], list[list]]]:
    """Totals only, whoever asks: per statement n, mean and distribution, and the written
    answers without names and sorted. No row is ever one person's."""
    ctx = room_context(run)
    statements = []
    for section in ctx["sections"]:
        for item in section["items"]:
            summary = item["summary"]
            if summary.shown:
                row = [section["title"], item["text"], summary.n, round(summary.mean, 2)]
                row += [*summary.distribution, ""]
            else:
                row = [section["title"], item["text"], summary.n, None, *[None] * len(SCALE)]
                row.append(_not_shown(summary.needed, summary.n))
            statements.append(row)
    written: list[list] = []
    if ctx["enough"]:
        for question, answers in ctx["open"]:
            written += [[question, answer] for answer in answers]
    else:
        questions = parse(ctx["settings"]["statements"], ctx["settings"]["questions"]).questions
        written += [[q, _not_shown(ctx["needed"], ctx["respondents"])] for q in questions]
    sheets = [
        (
            gettext("Statements"),
            [
                gettext("Section"),
                gettext("Statement"),
                gettext("Answers"),
                gettext("Mean"),
                *[str(value) for value in SCALE],
                gettext("Note"),
            ],
            statements,
        ),
        (gettext("Written answers"), [gettext("Question"), gettext("Answer")], written),
    ]
    # A survey of written answers only has no statements to sum up: no empty sheet for them.
    return sheets if ctx["has_statements"] else sheets[1:]


def export(run) -> tuple[list[str], list[list]]:
    """The same totals as one table for CSV: the statements, then the written answers."""
    sheets = export_sheets(run)
    if len(sheets) == 1:  # written answers only: their own table
        _title, header, written = sheets[0]
        return header, written
    (_title, header, statements), (_title2, _header2, written) = sheets
    rows = [
        [
            *row[:3],
            formats.number_format(row[3], 2) if row[3] is not None else "",
            *["" if cell is None else cell for cell in row[4:]],
        ]
        for row in statements
    ]
    blank = [""] * (len(header) - 3)
    rows += [
        [gettext("Written answers"), question, "", *blank[:-1], answer]
        for question, answer in written
    ]
    return [*header[:-1], gettext("Note or answer")], rows

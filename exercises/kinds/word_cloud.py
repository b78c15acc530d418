"""Word cloud (ordsky): everyone sends a few short words; the projector shows them by frequency.

Words merge case-, space- and accent-insensitively. The facilitator can hide a word, merge two,
and keep the cloud hidden until revealing it, so the first words don't steer the rest.
"""

from __future__ import annotations

import functools
from functools import partial

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Count, Min
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exercises import cloud_layout
from exercises.aggregate import cloud, word_key
from exercises.kinds import common
from exercises.phases import Phase
from exercises.svg import cloud_png, cloud_svg

NAME = "word_cloud"
LABEL = _("Word cloud")
SUMMARY = _("Everyone sends a few words; the cloud grows on the projector as they arrive.")
EXAMPLE = _(
    "“Which values should mark good leadership here?” Three words each, shown when you reveal "
    "the cloud."
)
# The settings that time the phases: the exercise library fits them to the agenda item.
MINUTES = ("minutes",)
TEMPLATE = "exercises/kinds/word_cloud.html"
# The room's result is a highlight of the day on the projector's closing screen.
CLOSING = True
# Beyond the table every kind exports: the cloud as a picture (exercises.views.word_cloud_image).
DOWNLOADS = [
    (_("Picture (SVG)"), "exercises:cloud_svg"),
    (_("Picture (PNG)"), "exercises:cloud_png"),
]
KEY = "word"


class SettingsForm(forms.Form):
    prompt = forms.CharField(
        label=_("Question"),
        max_length=300,
        initial=_("Which values should mark good leadership here?"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    max_entries = forms.IntegerField(
        label=_("Words per person"), min_value=1, max_value=10, initial=3
    )
    max_length = forms.IntegerField(
        label=_("Longest word or phrase (characters)"), min_value=5, max_value=80, initial=30
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=120, initial=5)
    hidden_until_reveal = forms.BooleanField(
        label=_("Hide the cloud until I reveal it"), required=False, initial=True
    )


def settings_of(run) -> dict:
    return common.settings_of(SettingsForm, run)


def phases(settings: dict) -> list[Phase]:
    return [Phase("collect", _("Collect words"), settings.get("minutes", 5))]


class EntryForm(forms.Form):
    """One word or short phrase, up to the run's length limit."""

    text = forms.CharField(
        label=_("Your word"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "send"}),
        error_messages={
            "required": _("Write a word first."),
            "max_length": _("Keep it to %(limit_value)d characters (this has %(show_value)d)."),
        },
    )

    def __init__(self, *args, max_length: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.max_length = max_length
        field.validators.append(MaxLengthValidator(max_length))
        field.widget.attrs["maxlength"] = str(max_length)


def submit(run, attendee, data, token):
    from exercises.runs import submit as save
    from workshops.models import TransitionRefused

    settings = settings_of(run)
    form = EntryForm(data, max_length=settings["max_length"])
    if not form.is_valid():
        return form
    try:
        save(
            run,
            attendee,
            key=KEY,
            text=form.cleaned_data["text"].strip(),
            token=token,
            limit=settings["max_entries"],
        )
    except TransitionRefused:
        form.add_error(
            "text",
            gettext("You have sent %(count)s words, as many as this question takes.")
            % {"count": settings["max_entries"]},
        )
    return form


def room(run) -> dict:
    """The room's cloud: each text once with how often it was sent, in the order texts first
    came, and how many words from how many people (one aggregate query each). An entry erasure
    anonymised has no text: its word left the cloud, and it still counts in the totals."""
    state = run.state
    entries = run.submissions.filter(key=KEY)
    rows = (
        entries.exclude(text="")
        .values("text")
        .annotate(count=Count("pk"), first=Min("pk"))
        .order_by("first")
    )
    texts = [(row["text"], row["count"]) for row in rows]
    totals = entries.aggregate(entries=Count("pk"), people=common.people_count())
    return {
        "words": cloud(texts, state.get("merges"), state.get("hidden", [])),
        "all_words": cloud(texts, state.get("merges")),
        "entry_count": totals["entries"],
        "people": totals["people"],
    }


def room_context(run) -> dict:
    settings = settings_of(run)
    state = run.state
    # The room's aggregates are worked out when a partial shows them (the projector, the
    # console), not for a phone's answer after sending a word.
    aggregates = functools.cache(partial(room, run))
    return {
        "settings": settings,
        "words": lambda: aggregates()["words"],
        "all_words": lambda: aggregates()["all_words"],
        "entry_count": lambda: aggregates()["entry_count"],
        "people": lambda: aggregates()["people"],
        # Where each word stands on the projector, worked out when it is drawn.
        "layout": lambda: cloud_layout.layout(aggregates()["words"]),
        "cloud_size": (cloud_layout.WIDTH, cloud_layout.HEIGHT),
        "hidden_keys": set(state.get("hidden", [])),
        "revealed": state.get("revealed", False) or not settings["hidden_until_reveal"],
        "form": EntryForm(max_length=settings["max_length"]),
    }


def phone_context(run, attendee) -> dict:
    """The phone's own words and how many more it may send."""
    from exercises.runs import own_texts

    mine = own_texts(run, attendee, KEY)
    return {"mine": mine, "left": max(0, settings_of(run)["max_entries"] - len(mine))}


def anonymised(submission) -> dict:
    """A word is its writer's text: it leaves the cloud. The row stays, empty, so the words
    and the people counted stay as they were."""
    return {}


def forget(run, leaving) -> None:
    """The facilitator's hidden and merged words quote the entries: a word that no remaining
    entry has leaves them too (a word merged into it stands on its own again)."""
    remaining = {
        word_key(t)
        for t in run.submissions.filter(key=KEY)
        .exclude(pk__in=leaving)
        .values_list("text", flat=True)
    }
    gone = {word_key(t) for t in leaving.filter(key=KEY).values_list("text", flat=True)}
    gone -= remaining
    if "hidden" in run.state:
        run.state["hidden"] = [key for key in run.state["hidden"] if key not in gone]
    if "merges" in run.state:
        run.state["merges"] = {
            source: target
            for source, target in run.state["merges"].items()
            if source not in gone and target not in gone
        }


def _reveal(run, data) -> str:
    run.state["revealed"] = True
    return ""


def _conceal(run, data) -> str:
    run.state["revealed"] = False
    return ""


def _hide(run, data) -> str:
    key = word_key(data.get("key", ""))
    hidden = set(run.state.get("hidden", []))
    hidden.symmetric_difference_update({key})  # a second press shows the word again
    run.state["hidden"] = sorted(hidden)
    return key


def _merge(run, data) -> str:
    source, target = word_key(data.get("key", "")), word_key(data.get("into", ""))
    if not source or not target or source == target:
        return ""
    merges = dict(run.state.get("merges", {}))
    merges[source] = target
    run.state["merges"] = merges
    return f"{source} -> {target}"


ACTIONS = {"reveal": _reveal, "conceal": _conceal, "hide": _hide, "merge": _merge}


def export(run) -> tuple[list[str], list[list]]:
    ctx = room_context(run)
    header = [gettext("Word"), gettext("Count"), gettext("Hidden")]
    rows = [
        [word.text, word.count, gettext("yes") if word.key in ctx["hidden_keys"] else ""]
        for word in ctx["all_words"]()
    ]
    return header, rows


DRAWINGS = {"svg": cloud_svg, "png": cloud_png}


def picture(run, image_format: str) -> tuple[str, bytes | str] | None:
    """The cloud as the projector shows it (hidden words left out), as an image to download."""
    draw = DRAWINGS.get(image_format)
    if draw is None:
        return None
    ctx = room_context(run)
    filename = slugify(f"ordsky-{run.exercise.agenda_item.title}") or "ordsky"
    return filename, draw(ctx["settings"]["prompt"], ctx["words"]())

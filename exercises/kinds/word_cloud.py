"""Word cloud (ordsky): everyone sends a few short words; the projector shows them by frequency.

Words merge case-, space- and accent-insensitively. The facilitator can hide a word, merge two,
and keep the cloud hidden until revealing it, so the first words don't steer the rest.
"""

from __future__ import annotations

import functools

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exercises import tally
from exercises.aggregate import cloud, word_key
from exercises.kinds import common
from exercises.phases import Phase

NAME = "word_cloud"
LABEL = _("Word cloud")
TEMPLATE = "exercises/kinds/word_cloud.html"
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


@functools.cache
def entry_form(max_length: int) -> type[forms.Form]:
    """The form for one word, as a class per length limit (a run's setting, 5 to 80).

    Every word of a room is checked with it, and every answer to a phone draws one: made
    once, each form is a copy of its field instead of a field built from scratch.
    """
    return type(
        "EntryForm",
        (forms.Form,),
        {
            "text": forms.CharField(
                label=_("Your word"),
                max_length=max_length,
                widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "send"}),
                error_messages={
                    "required": _("Write a word first."),
                    "max_length": _(
                        "Keep it to %(limit_value)d characters (this has %(show_value)d)."
                    ),
                },
            ),
            "__module__": __name__,
        },
    )


def entry(run, data) -> dict | None:
    """What a word sent takes one of the person's places with: the key, the text and how many
    places there are; None when the word has a message to show (submit() draws the form with
    it). The field checks the word on its own: a form, copied from its class each time, is only
    made when there is something to show in it."""
    settings = settings_of(run)
    try:
        text = entry_form(settings["max_length"]).base_fields["text"].clean(data.get("text"))
    except ValidationError:
        return None
    return _place(text, settings)


def _place(text: str, settings: dict) -> dict:
    return {"key": KEY, "text": text.strip(), "limit": settings["max_entries"]}


def submit(run, attendee, data, token):
    from exercises.runs import submit as save
    from workshops.models import TransitionRefused

    settings = settings_of(run)
    form = entry_form(settings["max_length"])(data)
    if not form.is_valid():
        return form
    try:
        save(run, attendee, token=token, **_place(form.cleaned_data["text"], settings))
    except TransitionRefused:
        form.add_error(
            "text",
            gettext("You have sent %(count)s words, as many as this question takes.")
            % {"count": settings["max_entries"]},
        )
    return form


def answer(run, kind: dict) -> tuple[str, str] | None:
    """What a phone gets back for a saved word: while it may send more, only the lines under
    the form (how many more, its words), swapped in there; None for the whole part.

    The form stays as it is on the phone, which empties it itself (static/js/app.js): the field
    keeps its focus, and a phone its keyboard, for the next word. The last word's answer is the
    whole part, which closes the field."""
    if kind["left"] == 0:
        return None
    return "sent", f"#mine-sent-{run.pk}"


def context(run, attendee=None) -> dict:
    from exercises.runs import own_texts

    settings = settings_of(run)
    state = run.state

    # The room's aggregates are only worked out when a partial shows them: a phone's own
    # response after sending a word needs none of them, and a burst of words sends many.
    @functools.cache
    def room() -> dict:
        # Each text once with how often it was sent, in the order texts first came, counted
        # as they arrive: the projector redraws this several times a second while thousands
        # of words arrive (exercises/tally.py).
        texts, entries, people = tally.texts(run, KEY)
        # Entries deleted for privacy count on in the totals; their words went with them.
        kept = common.kept(run)
        return {
            "words": cloud(texts, state.get("merges"), state.get("hidden", [])),
            "all_words": cloud(texts, state.get("merges")),
            "entry_count": entries + kept.get("entries", 0),
            "people": people + kept.get("people", 0),
        }

    mine = own_texts(run, attendee, KEY) if attendee else []
    return {
        "settings": settings,
        # Templates call these when (and only when) they use them.
        "words": lambda: room()["words"],
        "all_words": lambda: room()["all_words"],
        "entry_count": lambda: room()["entry_count"],
        "people": lambda: room()["people"],
        "hidden_keys": set(state.get("hidden", [])),
        "revealed": state.get("revealed", False) or not settings["hidden_until_reveal"],
        "mine": mine,
        "left": max(0, settings["max_entries"] - len(mine)),
        # The class: the phone's partial, the one that draws it, makes the form then (a
        # template calls what it is given), and the projector's redraws make none.
        "form": entry_form(settings["max_length"]),
    }


def keep(run, leaving) -> dict:
    """A word is its writer's text: deleted entries leave the cloud, and only how many there
    were, and from how many people, stays in the totals."""
    entries = list(leaving.filter(key=KEY).values_list("author_id", flat=True))
    return common.add_counts(run, entries=len(entries), people=len(set(entries)))


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
    ctx = context(run)
    header = [gettext("Word"), gettext("Count"), gettext("Hidden")]
    rows = [
        [word.text, word.count, gettext("yes") if word.key in ctx["hidden_keys"] else ""]
        for word in ctx["all_words"]()
    ]
    return header, rows

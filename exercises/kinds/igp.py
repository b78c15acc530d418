"""IGP: Individuelt, Gruppe, Plenum.

I: each person writes private notes. G: the group sees everyone's notes and the secretary
records what the group agrees on (a list, with a target such as nine values), live for the
group. P: the projector shows every group's list side by side; the facilitator can highlight
one. Private notes stay with their author until G shares them with the author's group only;
the facilitator sees counts, never the notes.
"""

from __future__ import annotations

from collections import Counter

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exercises import grouping as groups
from exercises.kinds import common
from exercises.models import Member
from exercises.phases import Phase
from exercises.roles import RULES
from workshops import push

NAME = "igp"
LABEL = _("IGP (individual, group, plenary)")
SUMMARY = _(
    "Alone, then in the group, then in plenary: each person’s notes become the group’s agreed list."
)
EXAMPLE = _(
    "“Which values should mark good leadership here?” Four minutes alone, twenty in the group "
    "to agree on nine, three in plenary."
)
# The settings that time the phases: the exercise library fits them to the agenda item.
MINUTES = ("minutes_individual", "minutes_group", "minutes_plenary")
TEMPLATE = "exercises/kinds/igp.html"
NOTE, OUTPUT = "note", "output"
# The group's agreed list is the group's, though its secretary typed it: it stays with the group
# when the secretary's own content is erased (personal.services.erase). Notes are each person's.
GROUP_RESULTS = frozenset({OUTPUT})


class SettingsForm(forms.Form):
    prompt = forms.CharField(
        label=_("Task"),
        max_length=500,
        initial=_("Which values should mark good leadership here?"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    target = forms.IntegerField(
        label=_("The group agrees on this many points"), min_value=1, max_value=30, initial=9
    )
    minutes_individual = forms.IntegerField(
        label=_("Minutes alone (I)"), min_value=1, max_value=60, initial=4
    )
    minutes_group = forms.IntegerField(
        label=_("Minutes in the group (G)"), min_value=1, max_value=120, initial=20
    )
    minutes_plenary = forms.IntegerField(
        label=_("Minutes in plenary (P)"), min_value=1, max_value=60, initial=3
    )

    grouping = forms.ChoiceField(
        label=_("Groups"), choices=common.GROUPINGS, initial=groups.NETWORK_GROUPS
    )
    group_size = forms.IntegerField(
        label=_("Group size (for random groups)"), min_value=2, max_value=12, initial=4
    )
    secretary_rule = forms.ChoiceField(
        label=_("Who is secretary"), choices=list(RULES.items()), initial="fair"
    )
    max_length = forms.IntegerField(
        label=_("Longest note or point (characters)"), min_value=20, max_value=500, initial=200
    )


def settings_of(run) -> dict:
    return common.settings_of(SettingsForm, run)


def grouping(settings: dict) -> dict:
    return common.group_plan(
        settings, ["secretary", "chair", "timekeeper"], settings.get("secretary_rule", "fair")
    )


def phases(settings: dict) -> list[Phase]:
    return [
        Phase("individual", _("Individually"), settings.get("minutes_individual", 4)),
        Phase("group", _("In the group"), settings.get("minutes_group", 20)),
        Phase("plenary", _("In plenary"), settings.get("minutes_plenary", 3)),
    ]


def phase_key(run) -> str:
    return run.current_phase().key


class TextForm(forms.Form):
    def __init__(self, *args, max_length: int, label, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"] = forms.CharField(
            label=label,
            max_length=max_length,
            widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "send"}),
            error_messages={
                "required": _("Write something first."),
                "max_length": _("Keep it to %(limit_value)d characters (this has %(show_value)d)."),
            },
        )


def submit(run, attendee, data, token):
    sent = common.sent(run, attendee, data, token, settings_of(run))
    # A note is what a phone sends unless it says otherwise.
    return _STEPS.get(data.get("step", "note"), _submit_note)(sent)


def _submit_remove(sent: common.Sent) -> TextForm:
    max_length, member = sent.settings["max_length"], sent.member
    form = TextForm(None, max_length=max_length, label="")
    if sent.phase != "group" or member is None or member.role != "secretary":
        return common.refuse(form, gettext("Only the secretary changes the group's list."))
    sent.run.submissions.filter(key=OUTPUT, group=member.group, pk=sent.data.get("item")).delete()
    push.group_changed(sent.run.pk, [member.group_id])
    return TextForm(max_length=max_length, label="")


def _submit_output(sent: common.Sent) -> TextForm:
    from exercises.runs import submit as save

    settings, member = sent.settings, sent.member
    form = TextForm(sent.data, max_length=settings["max_length"], label=_("Agreed point"))
    if sent.phase != "group" or member is None or member.role != "secretary":
        return common.refuse(form, gettext("Only the secretary writes the group's list."))
    if not form.is_valid():
        return form
    if sent.run.submissions.filter(key=OUTPUT, group=member.group).count() >= settings["target"]:
        return common.refuse(
            form,
            gettext("The list has %(target)s points, as many as the task asks for.")
            % {"target": settings["target"]},
        )
    submission, created = save(
        sent.run, sent.attendee, key=OUTPUT, text=form.cleaned_data["text"], token=sent.token
    )
    if created:
        submission.group = member.group
        submission.save(update_fields=["group"])
        push.group_changed(sent.run.pk, [member.group_id])
    return TextForm(max_length=settings["max_length"], label=_("Agreed point"))


def _submit_note(sent: common.Sent) -> TextForm:
    from exercises.runs import submit as save

    max_length, member = sent.settings["max_length"], sent.member
    form = TextForm(sent.data, max_length=max_length, label=_("Your note"))
    if sent.phase == "plenary":
        return common.refuse(form, gettext("The notes are closed; we are in plenary now."))
    if not form.is_valid():
        return form
    submission, created = save(
        sent.run, sent.attendee, key=NOTE, text=form.cleaned_data["text"], token=sent.token
    )
    if created and member is not None:
        submission.group = member.group
        submission.save(update_fields=["group"])
        if sent.phase == "group":  # shared notes: the group sees the new one at once
            push.group_changed(sent.run.pk, [member.group_id])
    return TextForm(max_length=max_length, label=_("Your note"))


_STEPS = {"remove": _submit_remove, "output": _submit_output, "note": _submit_note}


def room_context(run) -> dict:
    settings = settings_of(run)
    notes = run.submissions.filter(key=NOTE)
    outputs: dict[int, list[str]] = {}
    for group_id, text in run.submissions.filter(key=OUTPUT).values_list("group_id", "text"):
        outputs.setdefault(group_id, []).append(text)
    return {
        "settings": settings,
        "phase_key": phase_key(run),
        "note_count": notes.count(),
        "writers": common.people(notes),
        "groups": [
            {"group": g, "outputs": outputs.get(g.pk, []), "size": g.members.count()}
            for g in run.groups.all()
        ],
        "highlight": run.state.get("highlight"),
        "form": TextForm(max_length=settings["max_length"], label=_("Your note")),
        "output_form": TextForm(max_length=settings["max_length"], label=_("Agreed point")),
    }


def phone_context(run, attendee) -> dict:
    """The phone's group and role, and its own notes."""
    member = Member.objects.filter(run=run, attendee=attendee).select_related("group").first()
    return {
        "member": member,
        "role_label": member.get_role_display() if member and member.role else "",
        "mine": list(
            run.submissions.filter(key=NOTE, author=attendee).values_list("text", flat=True)
        ),
    }


def group_progress(run, groups) -> dict[int, tuple[int, int]]:
    """For the projector's ticks: alone, who has written a note; in the group, how many of
    the agreed points the secretary has written. Nothing to tick in plenary."""
    key = phase_key(run)
    if key == "individual":
        writers = set(run.submissions.filter(key=NOTE).values_list("author_id", flat=True))
        return {
            g.pk: (sum(m.attendee_id in writers for m in g.members.all()), len(g.members.all()))
            for g in groups
        }
    if key == "group":
        target = settings_of(run)["target"]
        counts = Counter(run.submissions.filter(key=OUTPUT).values_list("group_id", flat=True))
        return {g.pk: (min(counts[g.pk], target), target) for g in groups}
    return {}


def group_context(run, group) -> dict:
    """What the group's own phones see; the notes only once phase G has shared them."""
    key = phase_key(run)
    return {
        "members": list(group.members.select_related("attendee")),
        "notes": list(run.submissions.filter(key=NOTE, group=group).select_related("author"))
        if key != "individual"
        else [],
        "outputs": list(run.submissions.filter(key=OUTPUT, group=group)),
    }


def group_output(run, group) -> list[str]:
    """The group's agreed list: what a later exercise (a gallery walk) builds on."""
    return list(run.submissions.filter(key=OUTPUT, group=group).values_list("text", flat=True))


def _highlight(run, data) -> str:
    group = run.groups.filter(pk=data.get("group")).first()
    run.state["highlight"] = group.pk if group and run.state.get("highlight") != group.pk else None
    return str(run.state["highlight"] or "")


ACTIONS = {"highlight": _highlight}


def anonymised(submission) -> dict | None:
    """Notes are private: the row stays, empty and in no group, so the counts stay. A group's
    agreed list stays with the group at erasure (GROUP_RESULTS); retention deletes it."""
    if submission.key == NOTE:
        return {}
    return None


def export(run) -> tuple[list[str], list[list]]:
    # The groups' agreed lists; people's own notes are theirs and are not exported.
    header = [gettext("Group"), gettext("Point")]
    rows = [
        [entry["group"].name, text]
        for entry in room_context(run)["groups"]
        for text in entry["outputs"]
    ]
    return header, rows


def promotable(run) -> list:
    """Each group's agreed list, for the platform's values or purpose (exercises/promote.py)."""
    from exercises.promote import PURPOSE, VALUES, Offer

    return [
        Offer(
            key=f"group-{entry['group'].pk}",
            label=entry["group"].name,
            items=tuple(entry["outputs"]),
            targets=(VALUES, PURPOSE),
            group=entry["group"],
        )
        for entry in room_context(run)["groups"]
        if entry["outputs"]
    ]

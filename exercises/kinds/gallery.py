"""Gallery walk (gallerivandring): each group's result is a station. One host per group stays
with it; the others walk together from station to station, one visit per timed phase, read the
station on their phones and leave comments. Back home the group reads every comment left at its
station, and its secretary writes the final version.

The stations are the groups' results from an earlier exercise of the day (an IGP's list, the
points a round robin kept), with the groups kept as they were; without one, each group writes
its station in a first step. The route is computed, never stored: in visit r the visitors of
the i-th group are at station i + r (counted round), so every visitor sees every other station
exactly once and no station has two groups at a time. The groups are fixed once the walk starts
(a latecomer joins the smallest group and walks with it from where it is).

A comment belongs to the station it was left at and to the group that left it; no other group
sees it. The facilitator sees how many, not what.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django import forms
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exercises import grouping as groups
from exercises.kinds import common
from exercises.models import Group, Member, Run
from exercises.phases import Phase
from exercises.roles import ROLES, RULES
from workshops import push

NAME = "gallery_walk"
LABEL = _("Gallery walk")
SUMMARY = _(
    "Each group’s result is a station. A host stays; the others visit, leave comments, and go "
    "home to finish."
)
EXAMPLE = _(
    "The groups’ values on the walls: a few minutes at each station, then back home to adjust."
)
# The settings that time the phases: the exercise library fits them to the agenda item.
MINUTES = ("minutes_write", "minutes_visit", "minutes_home")
LENGTH_FROM_ROOM = True  # its phases repeat per group or person (common.settings_of)
TEMPLATE = "exercises/kinds/gallery.html"
STATION, COMMENT, FINAL = "station", "comment", "final"
WRITTEN_NOW = "now"


def _source_choices() -> list[tuple[str, object]]:
    # Read when the form is drawn, since the registry imports this module.
    return [(WRITTEN_NOW, _("Written now, by each group in a first step")), *common.group_sources()]


class SettingsForm(forms.Form):
    prompt = forms.CharField(
        label=_("Task"),
        max_length=500,
        initial=_("Visit the other groups' stations. What is good, and what is missing?"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    source = forms.ChoiceField(
        label=_("The stations show"),
        choices=_source_choices,
        initial="igp",
        help_text=_(
            "The nearest exercise of that kind before this one on the day's agenda, with its "
            "groups. If there is none, each group writes its station in a first step."
        ),
    )
    minutes_write = forms.IntegerField(
        label=_("Minutes to write the station (when written now)"),
        min_value=1,
        max_value=60,
        initial=10,
    )
    minutes_visit = forms.IntegerField(
        label=_("Minutes at each station"), min_value=1, max_value=30, initial=5
    )
    minutes_home = forms.IntegerField(
        label=_("Minutes back home to finish"), min_value=1, max_value=60, initial=10
    )
    grouping = forms.ChoiceField(
        label=_("Groups (when written now)"),
        choices=common.GROUPINGS,
        initial=groups.NETWORK_GROUPS,
    )
    group_size = forms.IntegerField(
        label=_("Group size (for random groups)"), min_value=2, max_value=12, initial=4
    )
    host_rule = forms.ChoiceField(
        label=_("Who is host"), choices=list(RULES.items()), initial="group_decides"
    )
    max_station = forms.IntegerField(
        label=_("Longest station text (characters)"), min_value=100, max_value=5000, initial=2000
    )
    max_length = forms.IntegerField(
        label=_("Longest comment (characters)"), min_value=20, max_value=1000, initial=300
    )

    # How long the walk takes depends on how many stations (groups) there are: the phases
    # keep the lengths set here, whatever the agenda item says.


def source_run(run) -> Run | None:
    """The run whose groups' results are the stations: of the nearest exercise of the chosen
    kind before this one on the day, started before this run. None: written now."""
    kind = common.settings_of(SettingsForm, run).get("source")
    return None if kind == WRITTEN_NOW else common.source_run(run, kind)


def settings_of(run) -> dict:
    settings = common.settings_of(SettingsForm, run)
    source = source_run(run)
    settings["source_run"] = source.pk if source else None
    settings["stations"] = run.groups.count()
    return settings


def grouping(settings: dict) -> dict:
    return common.group_plan(
        settings,
        ["host", "secretary"],
        settings.get("host_rule", "group_decides"),
        fixed_groups=True,  # the stations and the route don't change during the walk
    )


def phases(settings: dict) -> list[Phase]:
    steps = []
    if not settings.get("source_run"):
        steps.append(Phase("write", _("Write the station"), settings.get("minutes_write", 10)))
    visits = max(settings.get("stations", 0) - 1, 0)
    steps += [
        Phase(
            f"visit-{number}",
            format_lazy(_("Visit {number} of {total}"), number=number, total=visits),
            settings.get("minutes_visit", 5),
        )
        for number in range(1, visits + 1)
    ]
    steps.append(Phase("home", _("Back home"), settings.get("minutes_home", 10)))
    return steps


# The visits, as the exercise library shows them once for all the stations.
STEP_LABELS = {"visit": _("Visit a station")}


def planned_settings(settings: dict) -> dict:
    """The settings as planned, before the room is grouped: four groups, and stations from an
    earlier exercise unless they are written now (the exercise library shows these phases)."""
    return {**settings, "stations": 4, "source_run": settings.get("source") != WRITTEN_NOW}


# The route, as pure functions over station positions 0..n-1.


def station_for(stations: int, group: int, visit: int) -> int:
    """Where the visitors of the group at position `group` are in visit 1..n-1."""
    return (group + visit) % stations


def visitors_at(stations: int, station: int, visit: int) -> int:
    """Whose visitors are at the station in visit 1..n-1 (the inverse of station_for)."""
    return (station - visit) % stations


def route(stations: int) -> list[list[int]]:
    """The whole walk: route(n)[r][g] is the station the g-th group's visitors are at in visit
    r + 1. Each row is a permutation (one group per station), each column skips the group's
    own station and has every other station once."""
    return [
        [station_for(stations, group, visit) for group in range(stations)]
        for visit in range(1, stations)
    ]


def visit_of(phase_key: str) -> int | None:
    return int(phase_key.removeprefix("visit-")) if phase_key.startswith("visit-") else None


def visits_begun(phase_key: str, stations: int) -> int:
    """How many visits have begun: comments for those are taken, even just after the
    facilitator moved on (nothing typed is lost to the timer)."""
    if phase_key == "home":
        return max(stations - 1, 0)
    return visit_of(phase_key) or 0


# Reading the stations.


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _stations(run) -> list[Group]:
    return list(run.groups.order_by("number").prefetch_related("members__attendee"))


def _latest(run, key: str, group) -> str | None:
    found = run.submissions.filter(key=key, group=group).order_by("created_at", "pk").last()
    return found.text if found else None


def station_lines(run, group, source: Run | None) -> list[str]:
    """What is shown at the group's station: what it wrote, or its result from the source run
    (source_run, looked up once by the caller)."""
    written = _latest(run, STATION, group)
    if written is not None:
        return _lines(written)
    return common.source_output(source, group)


def can_edit(member: Member, members: list[Member]) -> bool:
    """The secretary writes the group's text; a group without one (too small) writes together."""
    return member.role == "secretary" or not any(m.role == "secretary" for m in members)


@dataclass(frozen=True)
class Comment:
    text: str
    visit: int
    from_group: Group | None


def _comments(run, station: Group, by_id: dict[int, Group]) -> list[Comment]:
    """The comments left at the station, but those erasure emptied (they only count)."""
    return [
        Comment(s.text, s.data.get("visit", 0), by_id.get(s.data.get("from")))
        for s in run.submissions.filter(key=COMMENT, group=station)
        .exclude(text="")
        .order_by("created_at", "pk")
    ]


def group_progress(run, groups) -> dict[int, tuple[int, int]]:
    """For the projector's ticks: whether the station is written; on a visit, how many of the
    group's visitors have left a comment there. Back home the tally says it already."""
    key = run.current_phase().key
    if key == "write":
        written = set(run.submissions.filter(key=STATION).values_list("group_id", flat=True))
        return {g.pk: (int(g.pk in written), 1) for g in groups}
    visit = visit_of(key)
    if visit is None:
        return {}
    commented = set(
        run.submissions.filter(key=COMMENT, data__visit=visit).values_list("author_id", flat=True)
    )
    progress = {}
    for group in groups:
        visitors = [m for m in group.members.all() if m.role != "host"]
        progress[group.pk] = (sum(m.attendee_id in commented for m in visitors), len(visitors))
    return progress


def group_context(run, group) -> dict:
    """What one group's phones see: where its visitors are and what that station shows, the
    comments its own members left there, and every comment left at its own station."""
    key = run.current_phase().key
    visit = visit_of(key)
    stations = _stations(run)
    by_id = {g.pk: g for g in stations}
    n = len(stations)
    index = next((i for i, g in enumerate(stations) if g.pk == group.pk), 0)
    at = stations[station_for(n, index, visit)] if visit and n > 1 else None
    received = _comments(run, group, by_id)
    from_groups: dict[int, list[Comment]] = {}
    for comment in received:
        from_groups.setdefault(comment.from_group.pk if comment.from_group else 0, []).append(
            comment
        )
    final = _latest(run, FINAL, group)
    source = source_run(run)
    return {
        "members": list(group.members.select_related("attendee")),
        "station": station_lines(run, group, source),
        "visit": visit,
        "at": at,
        "at_lines": station_lines(run, at, source) if at else [],
        "ours_there": [
            c for c in _comments(run, at, by_id) if c.from_group and c.from_group.pk == group.pk
        ]
        if at
        else [],
        "visitors_from": stations[visitors_at(n, index, visit)] if visit and n > 1 else None,
        "received": received,
        "received_by_group": [(by_id.get(pk), comments) for pk, comments in from_groups.items()],
        "final": _lines(final) if final is not None else None,
    }


# What phones send.


class TextForm(forms.Form):
    def __init__(self, *args, max_length: int, label, rows: int = 6, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"] = forms.CharField(
            label=label,
            max_length=max_length,
            widget=forms.Textarea(attrs={"rows": rows}),
            error_messages={
                "required": _("Write something first."),
                "max_length": _("Keep it to %(limit_value)d characters (this has %(show_value)d)."),
            },
        )


def _comment_form(settings, data=None) -> TextForm:
    return TextForm(data, max_length=settings["max_length"], label=_("Your comment"), rows=3)


def _text_form(settings, key: str, data=None, initial=None) -> TextForm:
    label = _("The final version") if key == "home" else _("Your group's station")
    return TextForm(data, initial=initial, max_length=settings["max_station"], label=label)


def submit(run, attendee, data, token):
    sent = common.sent(run, attendee, data, token, settings_of(run))
    # A comment is what a phone sends unless it says otherwise.
    return _STEPS.get(data.get("step", COMMENT), _submit_comment)(sent)


def _submit_station(sent: common.Sent) -> TextForm:
    return _submit_group_text(
        sent, STATION, "write", gettext("The station is written in the first step.")
    )


def _submit_final(sent: common.Sent) -> TextForm:
    return _submit_group_text(
        sent, FINAL, "home", gettext("The final version is written back home.")
    )


def _submit_group_text(sent: common.Sent, key: str, phase: str, other_phase: str) -> TextForm:
    """The group's own text (its station, its final version), in the phase for it, by the
    member who may edit it; `other_phase` says why not in any other."""
    from exercises.runs import submit as save

    form = _text_form(sent.settings, phase, sent.data)
    member = sent.member
    if member is None:
        return common.refuse(form, gettext("You are not in a group in this exercise."))
    if sent.phase != phase:
        return common.refuse(form, other_phase)
    if not can_edit(member, list(member.group.members.all())):
        return common.refuse(form, gettext("The secretary writes your group's text."))
    if not form.is_valid():
        return form
    # One transaction: the projector and console are redrawn after commit, with the group.
    with transaction.atomic():
        submission, created = save(
            sent.run, sent.attendee, key=key, text=form.cleaned_data["text"], token=sent.token
        )
        if created:
            submission.group = member.group
            submission.save(update_fields=["group"])
            push.group_changed(sent.run.pk, [member.group_id])
    return form


def _submit_comment(sent: common.Sent) -> TextForm:
    from exercises.runs import submit as save

    form = _comment_form(sent.settings, sent.data)
    member = sent.member
    if member is None:
        return common.refuse(form, gettext("You are not in a group in this exercise."))
    if member.role == "host":
        return common.refuse(
            form, gettext("You are the host: you stay at your station, and visitors come to you.")
        )
    stations = list(sent.run.groups.order_by("number"))
    try:
        visit = int(sent.data.get("visit", ""))
    except ValueError:
        visit = 0
    if not 1 <= visit <= visits_begun(sent.phase, len(stations)):
        return common.refuse(form, gettext("Comments open when the walk begins."))
    if not form.is_valid():
        return form
    index = next(i for i, g in enumerate(stations) if g.pk == member.group_id)
    station = stations[station_for(len(stations), index, visit)]
    with transaction.atomic():
        submission, created = save(
            sent.run,
            sent.attendee,
            key=COMMENT,
            text=form.cleaned_data["text"],
            token=sent.token,
            data={"from": member.group_id, "visit": visit},
        )
        if created:
            submission.group = station
            submission.save(update_fields=["group"])
            # The host sees it arrive; the visitor's group sees what it left.
            push.group_changed(sent.run.pk, [station.pk, member.group_id])
    return _comment_form(sent.settings)


_STEPS = {STATION: _submit_station, FINAL: _submit_final, COMMENT: _submit_comment}


def room_context(run) -> dict:
    settings = settings_of(run)
    key = run.current_phase(settings).key
    visit = visit_of(key)
    stations = _stations(run)
    n = len(stations)
    comments = Counter(run.submissions.filter(key=COMMENT).values_list("group_id", flat=True))
    finals = set(run.submissions.filter(key=FINAL).values_list("group_id", flat=True))
    rows = []
    for index, group in enumerate(stations):
        members = list(group.members.all())
        rows.append(
            {
                "group": group,
                "host": next((m for m in members if m.role == "host"), None),
                "visitors": _visitors(members),
                "comments": comments.get(group.pk, 0),
                "final": group.pk in finals,
                "route": [stations[station_for(n, index, v)] for v in range(1, n)],
            }
        )
    return {
        "settings": settings,
        "phase_key": key,
        "visit": visit,
        "visits": list(range(1, n)),
        "stations": rows,
        "comment_count": sum(comments.values()),
        "source": source_run(run),
    }


def phone_context(run, attendee) -> dict:
    """The phone's group and role, where it goes on this visit (or, as host, who comes), and
    its form: the group's text where it may edit it, else a comment."""
    settings = settings_of(run)
    member = Member.objects.filter(run=run, attendee=attendee).select_related("group").first()
    if member is None:
        return {"member": None, "form": _comment_form(settings)}
    key = run.current_phase(settings).key
    visit = visit_of(key)
    stations = _stations(run)
    n = len(stations)
    members = list(member.group.members.all())
    index = next((i for i, g in enumerate(stations) if g.pk == member.group_id), 0)
    editing = key in ("write", "home") and can_edit(member, members)
    text = None
    if editing:
        text = _latest(run, FINAL, member.group) if key == "home" else None
        if text is None:
            text = "\n".join(station_lines(run, member.group, source_run(run)))
    coming = stations[visitors_at(n, index, visit)] if visit and n > 1 else None
    return {
        "member": member,
        "role_label": member.get_role_display() if member.role else "",
        "role_text": ROLES[member.role][1] if member.role in ROLES else "",
        "is_host": member.role == "host",
        "can_edit": editing,
        "going_to": stations[station_for(n, index, visit)] if visit and n > 1 else None,
        # The group whose visitors are at this phone's station now, for its host.
        "visitors_from": {"group": coming, "visitors": _visitors(coming.members.all())}
        if coming
        else None,
        "form": _text_form(settings, key, initial={"text": text})
        if editing
        else _comment_form(settings),
    }


def _visitors(members) -> int:
    """How many of a group's members walk to the other stations: all but its host."""
    return sum(1 for m in members if m.role != "host")


ACTIONS: dict = {}


def anonymised(submission) -> dict | None:
    """A comment is its writer's words: the row stays, empty, at its station (not naming the
    group it came from), so the count per station stays. A station's text and its final
    version are what the writer typed, and go."""
    if submission.key == COMMENT:
        return {"group_id": submission.group_id}
    return None


def export(run) -> tuple[list[str], list[list]]:
    # The stations and the groups' final versions; comments are the groups', so only counted.
    header = [
        gettext("Station"),
        gettext("Host"),
        gettext("At the station"),
        gettext("Comments"),
        gettext("Final version"),
    ]
    rows = []
    room = room_context(run)
    for row in room["stations"]:
        group = row["group"]
        final = _latest(run, FINAL, group)
        rows.append(
            [
                group.name,
                row["host"].attendee.display_name if row["host"] else "",
                "\n".join(station_lines(run, group, room["source"])),
                row["comments"],
                final or "",
            ]
        )
    return header, rows

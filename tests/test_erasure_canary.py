"""Erasure and retention leave nothing a person wrote anywhere in the database.

A whole day with every kind of exercise, driven through the services a day uses (phones'
submissions, the facilitator's actions, the personal page; no browser). One participant, Kari,
writes a canary text everywhere a participant can write: words (one the facilitator hides, one
he merges into another), proposals (one merged, one left as an alternative when the room
decides), notes, points, arguments, comments, observations, answers, reflections, check-ins and
her personal page. Then she is erased, or the programme's retention runs out, and the whole
database (every table of every installed app, as `dumpdata` writes it) is searched for the
canary.

The test knows nothing of how erasure works: only what a person can write, and that afterwards
no table holds it. Two things are not hers to take along, and stay: what she typed as her
group's secretary (the group's agreed list: the group's result) and the other participants'
own words.
"""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command

from exercises import kinds
from exercises.kinds import round_robin, survey, triads
from exercises.models import Exercise, Member, Run
from exercises.runs import change, ensure_run
from live import day as live_day
from personal import services
from workshops import identity, personal
from workshops.identity import device_hash as _device_hash
from workshops.models import ActionLearningAnswer, AgendaItem, Attendee, ContentDeletion

# Mixed case, as people type: erasure must find it however it was stored (a word cloud keeps
# words case-folded).
CANARY = "KanariFugl7731"
# What Kari types for her group as its secretary: the group's, so it stays (see above).
GROUP_TEXT = "Felles punkt fra gruppen 4410"
ITEMS = ["Tillit", "Trygghet", "Åpen", "Tydelig", "Lojal", "Helhet", "Modig", "Omtanke", "Raushet"]
STATEMENT = "Jeg lytter for å forstå."
QUESTION = "Hva er din viktigste styrke?"


def canary(what: str) -> str:
    return f"{CANARY} {what}"


def dump() -> str:
    """Every row of every table of every installed app, as text."""
    out = io.StringIO()
    call_command("dumpdata", *[app.label for app in apps.get_app_configs()], stdout=out)
    return out.getvalue()


def where(text: str) -> set[str]:
    """The models that hold `text` anywhere in a row, however cased; JSON escapes undone."""
    needle = text.casefold()
    return {
        row["model"]
        for row in json.loads(dump())
        if needle in json.dumps(row, ensure_ascii=False).casefold()
    }


def _run(workshop, position: int, kind: str, settings: dict) -> Run:
    item = AgendaItem.objects.create(
        workshop=workshop, position=position, kind="exercise", title=kind, duration_minutes=10
    )
    form_class = kinds.get(kind).SettingsForm
    # What the settings page offers, with these changed.
    defaults = {
        name: field.initial
        for name, field in form_class.base_fields.items()
        if field.initial not in (None, False)
    }
    form = form_class({**defaults, **settings})
    assert form.is_valid(), form.errors
    Exercise.objects.create(agenda_item=item, kind=kind, settings=form.cleaned_data)
    # Started as the day reaches it: the groups form from the phones in the room.
    return ensure_run(workshop, item)


def _send(run: Run, attendee: Attendee, **data) -> None:
    form = run.module.submit(Run.objects.get(pk=run.pk), attendee, data, uuid.uuid4())
    assert not form.errors, (run.exercise.kind, data, form.errors)


def _phase(run: Run, key: str) -> Run:
    keys = [phase.key for phase in run.phases()]
    Run.objects.filter(pk=run.pk).update(phase=keys.index(key))
    return Run.objects.get(pk=run.pk)


def _act(run: Run, action: str, alice, **data) -> Run:
    return change(Run.objects.get(pk=run.pk), action, by=alice, expected_version=None, data=data)


def _role(run: Run, attendee: Attendee, role: str) -> None:
    """The group chose: this person takes the role (and nobody else in the group has it)."""
    member = Member.objects.get(run=run, attendee=attendee)
    Member.objects.filter(run=run, group=member.group, role=role).update(role="")
    Member.objects.filter(pk=member.pk).update(role=role)


@pytest.fixture
def day(programme, workshop, alice):
    """The whole day, everyone taking part, Kari writing the canary wherever she can."""
    first = programme.groups.create(name="Nettverk 1")
    second = programme.groups.create(name="Nettverk 2")
    roster = [("Kari", first), ("Per", first), ("Ola", first)]
    roster += [("Siv", second), ("Åse", second), ("Lars", second)]
    people = {
        name: programme.participants.create(name=name, network_group=group)
        for name, group in roster
    }
    live_day.start(workshop, by=alice)
    # Each phone has shown it is its person (a check-in needs that), as with the personal code.
    for name, person in people.items():
        identity.prove(person, _device_hash(name), "code")
    phones = {
        name: identity.join(workshop, _device_hash(name), person, name)
        for name, person in people.items()
    }
    kari, per, ola, siv = phones["Kari"], phones["Per"], phones["Ola"], phones["Siv"]

    # Her personal page, between the days.
    personal.save_answer(people["Kari"], "marked_by", canary("lederskap"), shared=True)

    # Word cloud: a word, one the facilitator hides and one he merges into another's.
    cloud = _run(
        workshop,
        10,
        "word_cloud",
        {"prompt": "Verdier", "max_entries": 3, "max_length": 30, "minutes": 5},
    )
    for text in (canary("ord"), canary("skjult"), canary("flettet")):
        _send(cloud, kari, text=text)
    _send(cloud, per, text="Tillit")
    _act(cloud, "hide", alice, key=canary("skjult"))
    _act(cloud, "merge", alice, key=canary("flettet"), into="Tillit")
    _act(cloud, "reveal", alice)

    # Survey: a written answer.
    asked = _run(
        workshop,
        11,
        "survey",
        {
            "template": "blank",
            "loaded": "blank",
            "statements": f"## Relasjon\n{STATEMENT}",
            "questions": QUESTION,
            "low_label": "Uenig",
            "high_label": "Enig",
            "min_answers": 3,
            "max_length": 200,
            "minutes": 5,
        },
    )
    for phone, written in ((kari, canary("styrke")), (per, "Lytter"), (ola, "Rolig")):
        _send(
            asked,
            phone,
            **{survey.field_name("s", STATEMENT): 4, survey.field_name("q", QUESTION): written},
        )

    # Proposals: two of hers, one merged with Ola's; dots; the room chooses Per's.
    proposed = _run(
        workshop,
        12,
        "proposals",
        {
            "prompt": "Visjon",
            "min_per_person": 1,
            "max_per_person": 2,
            "max_length": 60,
            "method": "dots",
            "dots": 3,
            "stack_dots": "on",
            "top_k": 3,
            "collect_minutes": 3,
            "merge_minutes": 3,
            "prioritise_minutes": 3,
            "reveal_minutes": 3,
        },
    )
    _send(proposed, kari, step="propose", text=canary("visjon"))
    _send(proposed, kari, step="propose", text=canary("flettet visjon"))
    _send(proposed, per, step="propose", text="Sammen for Seljord")
    _send(proposed, ola, step="propose", text="Modige sammen")
    ids = {s.text: str(s.pk) for s in proposed.submissions.filter(key="proposal")}
    proposed = _phase(proposed, "merge")
    _act(
        proposed,
        "merge",
        alice,
        ids=[ids[canary("flettet visjon")], ids["Modige sammen"]],
        keep=ids[canary("flettet visjon")],
    )
    proposed = _phase(proposed, "prioritise")
    for phone, dots in (
        (kari, {canary("visjon"): 3}),
        (per, {"Sammen for Seljord": 3}),
        (siv, {"Sammen for Seljord": 2, canary("flettet visjon"): 1}),
    ):
        _send(
            proposed,
            phone,
            step="prioritise",
            **{f"dots-{ids[text]}": n for text, n in dots.items()},
        )
    proposed = _phase(proposed, "reveal")
    _act(proposed, "decide", alice, id=ids["Sammen for Seljord"])

    # Diamond: she places the facilitator's nine (no text of hers, but her rows).
    placed = _run(
        workshop, 13, "diamond", {"prompt": "Plasser", "items": "\n".join(ITEMS), "minutes": 5}
    )
    rows = [1, 2, 2, 3, 3, 3, 4, 4, 5]
    _send(placed, kari, **{f"item-{i}": str(row) for i, row in enumerate(rows)})

    # Duo: a private note after the talk.
    duo = _run(
        workshop,
        14,
        "duo",
        {"prompt": "Fortell", "minutes": 6, "note": "on", "note_minutes": 2, "note_length": 1000},
    )
    duo = _phase(duo, "note")
    _send(duo, kari, text=canary("duonotat"))

    # IGP: her own note; as her group's secretary, the group's agreed point.
    igp = _run(
        workshop,
        15,
        "igp",
        {
            "prompt": "Formål?",
            "target": 5,
            "minutes_individual": 4,
            "minutes_group": 20,
            "minutes_plenary": 3,
            "grouping": "network",
            "group_size": 4,
            "secretary_rule": "fair",
            "max_length": 200,
        },
    )
    _send(igp, kari, step="note", text=canary("igp-notat"))
    _role(igp, kari, "secretary")
    igp = _phase(igp, "group")
    _send(igp, kari, step="output", text=GROUP_TEXT)
    igp = _phase(igp, "plenary")
    _act(igp, "highlight", alice, group=Member.objects.get(run=igp, attendee=kari).group_id)

    # Reflection, shared with her group.
    reflected = _run(
        workshop, 16, "reflection", {"prompt": "Tenk etter", "minutes": 3, "max_length": 500}
    )
    _send(reflected, kari, **{"text-0": canary("refleksjon"), "shared-0": "on"})

    # Round robin: her point in her turn, then an argument for it.
    robin = _run(workshop, 17, "round_robin", {"prompt": "Hva er viktig?"})
    group = Member.objects.get(run=robin, attendee=kari).group
    by_id = {m.attendee_id: m.attendee for m in group.members.select_related("attendee")}
    while True:
        whose = round_robin.group_context(Run.objects.get(pk=robin.pk), group)["whose"]
        if whose.attendee_id == kari.pk:
            _send(robin, kari, step="point", text=canary("poeng"))
            break
        _send(robin, by_id[whose.attendee_id], step="point", text="Lytte mer")
    for _turn in range(len(by_id) * 2):  # passes end the rounds
        whose = round_robin.group_context(Run.objects.get(pk=robin.pk), group)["whose"]
        if whose is None:
            break
        _send(robin, by_id[whose.attendee_id], step="pass")
    robin = _phase(robin, "arguments")
    point = robin.submissions.get(key="point", author=kari)
    _send(robin, kari, step="argument", side="for", point=point.pk, text=canary("argument"))

    # Gallery walk: a comment on the other group's station.
    walk = _run(
        workshop,
        18,
        "gallery_walk",
        {
            "prompt": "Kommenter",
            "source": "now",
            "minutes_write": 5,
            "minutes_visit": 3,
            "minutes_home": 5,
            "grouping": "network",
            "group_size": 4,
            "host_rule": "fair",
            "max_station": 2000,
            "max_length": 300,
        },
    )
    for station_group in walk.groups.all():
        writer = next(m for m in station_group.members.order_by("pk") if m.attendee_id != kari.pk)
        _role(walk, writer.attendee, "secretary")
        _send(walk, writer.attendee, step="station", text=f"Stasjon {station_group.number}")
    home = Member.objects.get(run=walk, attendee=kari).group
    others = [m.attendee for m in home.members.select_related("attendee").order_by("pk")]
    _role(walk, [a for a in others if a.pk != kari.pk][-1], "host")  # not her: she visits
    walk = _phase(walk, walk.phases()[1].key)
    _send(walk, kari, step="comment", visit=1, text=canary("kommentar"))

    # Feedback triads: her observation in a round where she observes.
    triad = _run(workshop, 19, "feedback_triads", {"prompt": "Gi tilbakemelding"})
    own = Member.objects.get(run=triad, attendee=kari)
    members = [m.pk for m in own.group.members.order_by("pk")]
    number = next(
        n for n in range(1, 4) if triads.roles_in_round(members, n - 1)[own.pk] == triads.OBSERVER
    )
    triad = _phase(triad, f"debrief-{number}")
    _send(
        triad,
        kari,
        round=number,
        checks=["direct"],
        went_well=canary("gikk bra"),
        practise=canary("øve mer"),
    )

    # Check-in of the day, from her phone (it lands on her personal page).
    checked = _run(workshop, 20, "checkin", {"prompt": "Sjekk inn", "minutes": 5})
    _send(
        checked,
        kari,
        tried=canary("prøvd"),
        learnt=canary("lært"),
        take_away=canary("tar med"),
        peer_problem=canary("problem"),
    )
    return people


def test_before_anything_is_erased_the_canary_is_everywhere_she_wrote(day):
    """So that the tests below can fail: the canary really is in all these tables."""
    assert where(CANARY) >= {
        "exercises.submission",  # what she sent
        "exercises.run",  # the facilitator's hidden and merged words, the decision
        "exercises.runevent",  # the log of what the facilitator hid and merged
        "workshops.actionlearninganswer",  # her personal page and check-in
    }


def test_erasing_her_leaves_no_text_of_hers_anywhere(day):
    kari = day["Kari"]
    services.erase(kari, reason=ContentDeletion.Reason.PARTICIPANT)
    assert where(CANARY) == set()
    # What was not hers stays: her group's agreed point, the others' words and proposals.
    assert "exercises.submission" in where(GROUP_TEXT)
    assert "exercises.submission" in where("Sammen for Seljord")
    assert ActionLearningAnswer.objects.filter(participant=kari).count() == 0
    # Every run still reads: its room's results, its export.
    for run in Run.objects.all():
        run.module.room_context(run)
        run.module.export(run)


def test_the_retention_purge_leaves_no_text_of_hers_anywhere(day, programme):
    services.purge_programme(programme)
    assert where(CANARY) == set()
    for run in Run.objects.all():
        run.module.room_context(run)
        run.module.export(run)

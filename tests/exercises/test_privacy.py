"""Erasure and retention take what participants sent out of reach for good, and the room's
numbers stay exactly as they were: the rows they count stay, with no author and no text
(exercises/privacy.py and each kind's anonymised()). Texts go with their writers: their words
leave the cloud, their proposals the list (tests/test_erasure_canary.py searches the whole
database for what they wrote).

Kari, Per, Ola and Siv are on the roster; a guest joined under a typed name. Each sends into a
word cloud, a survey, a diamond, proposals with dots and a reflection on the same day.
"""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from django.urls import reverse

from exercises import kinds
from exercises.kinds import survey
from exercises.models import Exercise, Run, RunEvent, Submission
from exercises.privacy import erase_submissions
from exercises.results import participation
from exercises.runs import change
from live import day as live_day
from personal import services
from workshops import identity
from workshops.identity import device_hash as _device_hash
from workshops.models import AgendaItem, Attendee, ContentDeletion

PEOPLE = ["Kari", "Per", "Ola", "Siv"]
ITEMS = ["Tillit", "Trygghet", "Åpen", "Tydelig", "Lojal", "Helhet", "Modig", "Omtanke", "Raushet"]
STATEMENTS = "## Relasjon\nJeg lytter for å forstå.\nJeg gir ærlige tilbakemeldinger."
LISTEN, HONEST = "Jeg lytter for å forstå.", "Jeg gir ærlige tilbakemeldinger."
QUESTION = "Hva er din viktigste styrke?"

WORDS = {
    "Kari": ["Tillit", "Mot"],
    "Per": ["tillit", "Åpenhet"],
    "Ola": ["Tillit ", "Mot", "KARI-er-dum"],
    "Siv": ["Omtanke"],
    "guest": ["mot"],
}
SCORES = {"Kari": (5, 2), "Per": (4, 4), "Ola": (3, 5), "Siv": (4, 1), "guest": (2, 3)}
DIAMONDS = {  # each person's order of the nine, top first
    "Kari": ITEMS,
    "Per": list(reversed(ITEMS)),
    "Ola": ITEMS[1:] + ITEMS[:1],
    "guest": ITEMS,
}
PROPOSALS = {
    "Kari": ["Sammen for Seljord"],
    "Per": ["Mot i leiarskap"],
    "Ola": ["Det gode vertskap"],
}
DOTS = {  # by proposal text
    "Kari": {"Mot i leiarskap": 2, "Sammen for Seljord": 1},
    "Per": {"Sammen for Seljord": 3},
    "Siv": {"Sammen for Seljord": 1, "Det gode vertskap": 2},
    "guest": {"Mot i leiarskap": 1},
}


def _exercise(workshop, position: int, kind: str, settings: dict) -> Run:
    item = AgendaItem.objects.create(
        workshop=workshop, position=position, kind="exercise", title=kind, duration_minutes=10
    )
    form = kinds.get(kind).SettingsForm(settings)
    assert form.is_valid(), form.errors
    exercise = Exercise.objects.create(agenda_item=item, kind=kind, settings=form.cleaned_data)
    return Run.objects.create(exercise=exercise, workshop=workshop)


def _send(run: Run, attendee: Attendee, data: dict) -> None:
    form = run.module.submit(run, attendee, data, uuid.uuid4())
    assert not form.errors, form.errors


@pytest.fixture
def day(programme, workshop, group):
    """Everyone has sent into every run of the day; returns the runs and the attendees."""
    live_day.start(workshop, by=None)
    people = {
        name: programme.participants.create(name=name, network_group=group) for name in PEOPLE
    }
    attendees = {
        name: identity.join(workshop, _device_hash(name), person, name)
        for name, person in people.items()
    }
    attendees["guest"] = identity.join(workshop, _device_hash("guest"), None, "Gjest")
    runs = {
        "word_cloud": _exercise(
            workshop,
            10,
            "word_cloud",
            {"prompt": "Verdier", "max_entries": 3, "max_length": 30, "minutes": 5},
        ),
        "survey": _exercise(
            workshop,
            11,
            "survey",
            {
                "template": "blank",
                "loaded": "blank",
                "statements": STATEMENTS,
                "questions": QUESTION,
                "low_label": "Uenig",
                "high_label": "Enig",
                "min_answers": 3,
                "max_length": 200,
                "minutes": 5,
            },
        ),
        "diamond": _exercise(
            workshop, 12, "diamond", {"prompt": "Plasser", "items": "\n".join(ITEMS), "minutes": 5}
        ),
        "proposals": _exercise(
            workshop,
            13,
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
        ),
        "reflection": _exercise(
            workshop, 14, "reflection", {"prompt": "Tenk", "minutes": 3, "max_length": 500}
        ),
    }
    for name, words in WORDS.items():
        for word in words:
            _send(runs["word_cloud"], attendees[name], {"text": word})
    for name, (listen, honest) in SCORES.items():
        _send(
            runs["survey"],
            attendees[name],
            {
                survey.field_name("s", LISTEN): listen,
                survey.field_name("s", HONEST): honest,
                survey.field_name("q", QUESTION): f"{name.upper()}-WROTE styrke",
            },
        )
    for name, order in DIAMONDS.items():
        rows = [1, 2, 2, 3, 3, 3, 4, 4, 5]
        placed = {
            f"item-{ITEMS.index(item)}": str(row) for item, row in zip(order, rows, strict=True)
        }
        _send(runs["diamond"], attendees[name], placed)
    for name, texts in PROPOSALS.items():
        for text in texts:
            _send(runs["proposals"], attendees[name], {"step": "propose", "text": text})
    runs["proposals"].phase = 2  # prioritise
    runs["proposals"].save()
    ids = {s.text: s.pk for s in runs["proposals"].submissions.filter(key="proposal")}
    for name, dots in DOTS.items():
        data = {"step": "prioritise", **{f"dots-{ids[text]}": n for text, n in dots.items()}}
        _send(runs["proposals"], attendees[name], data)
    for name, shared in [("Kari", True), ("Per", False), ("Ola", True)]:
        data = {"text-0": f"{name.upper()}-WROTE refleksjon"}
        if shared:
            data["shared-0"] = "on"
        _send(runs["reflection"], attendees[name], data)
    return runs, people


def words(runs: dict[str, Run]) -> dict[str, int]:
    cloud = Run.objects.get(pk=runs["word_cloud"].pk)
    return {w.text: w.count for w in cloud.module.room_context(cloud)["words"]()}


def standings(runs: dict[str, Run]) -> list[tuple[str, int, int]]:
    proposed = Run.objects.get(pk=runs["proposals"].pk)
    return [
        (r.proposal.text, r.score, r.rank)
        for r in proposed.module.room_context(proposed)["results"]
    ]


def numbers(runs: dict[str, Run]) -> dict:
    """What stays exact whoever is deleted: every number, and the rankings of what is no
    one's text (the facilitator's statements and diamond items)."""
    found = results(runs)
    for texts in ("cloud", "proposals"):
        del found[texts]
    for texts in ("word_cloud", "proposals"):
        del found["exports"][texts]
    return found


def results(runs: dict[str, Run]) -> dict:
    """Every number and ranking the room, the console and the exports show."""
    fresh = {name: Run.objects.get(pk=run.pk) for name, run in runs.items()}
    cloud = fresh["word_cloud"].module.room_context(fresh["word_cloud"])
    surveyed = fresh["survey"].module.room_context(fresh["survey"])
    diamond = fresh["diamond"].module.room_context(fresh["diamond"])
    proposed = fresh["proposals"].module.room_context(fresh["proposals"])
    reflected = fresh["reflection"].module.room_context(fresh["reflection"])
    return {
        "cloud": [(w.text, w.count, w.weight) for w in cloud["words"]()],
        "cloud_counts": (cloud["entry_count"](), cloud["people"]()),
        "survey": [
            (item["text"], item["summary"].n, item["summary"].mean, item["summary"].distribution)
            for section in surveyed["sections"]
            for item in section["items"]
        ],
        "respondents": surveyed["respondents"],
        "diamond": [(r.item, r.score, r.rank, r.tied, r.rows) for r in diamond["results"]],
        "placed": (diamond["placed"], diamond["counted"], diamond["ignored"]),
        "proposals": [(r.proposal.text, r.score, r.rank, r.tied) for r in proposed["results"]],
        "proposal_counts": (
            proposed["proposal_count"],
            proposed["people"],
            proposed["enough"],
            proposed["voters"],
        ),
        "reflection": (reflected["answered"], reflected["shared"]),
        "exports": {
            name: fresh[name].module.export(fresh[name])[1]
            for name in ("word_cloud", "diamond", "proposals", "reflection")
        },
        "survey_statements": survey.export_sheets(fresh["survey"])[0][2],
        # Who took part in each run, as the day's results page and report say.
        "took_part": {name: participation(run).senders for name, run in fresh.items()},
    }


def test_the_numbers_before_deletion(day):
    """What the tests below keep: worked out by hand from the answers above."""
    runs, _people = day
    before = results(runs)
    assert before["cloud"][:3] == [("Mot", 3, 6), ("Tillit", 3, 6), ("KARI-er-dum", 1, 1)]
    assert before["cloud_counts"] == (9, 5)
    assert before["survey"] == [
        (LISTEN, 5, pytest.approx(18 / 5), (0, 1, 1, 2, 1)),
        (HONEST, 5, pytest.approx(15 / 5), (1, 1, 1, 1, 1)),
    ]
    assert [(r[0], r[1], r[2]) for r in before["diamond"][:2]] == [
        ("Trygghet", 4 + 2 + 5 + 4, 1),
        ("Åpen", 4 + 2 + 4 + 4, 2),
    ]
    assert before["placed"] == (4, 4, 0)
    assert before["proposals"] == [
        ("Sammen for Seljord", 5, 1, False),
        ("Mot i leiarskap", 3, 2, False),
        ("Det gode vertskap", 2, 3, False),
    ]
    assert before["proposal_counts"] == (3, 3, 3, 4)
    assert before["reflection"] == (3, 2)


def test_erasure_removes_the_rows_and_her_texts_and_keeps_every_number_exact(day):
    runs, people = day
    before = numbers(runs)
    kari = people["Kari"]
    assert Submission.objects.filter(author__participant=kari).count() == 7
    services.erase(kari, reason=ContentDeletion.Reason.PARTICIPANT)
    assert not Submission.objects.filter(author__participant=kari).exists()
    assert not Attendee.objects.filter(participant=kari).exists()
    assert numbers(runs) == before
    # Her words leave the cloud (her "Tillit" and "Mot"; the others' stay).
    assert words(runs) == {"tillit": 2, "Mot": 2, "KARI-er-dum": 1, "Åpenhet": 1, "Omtanke": 1}
    # Her proposal leaves the list; the dots she gave Per's still count for it.
    assert standings(runs) == [("Mot i leiarskap", 3, 1), ("Det gode vertskap", 2, 2)]
    # What is kept links nothing to her and holds none of her own words.
    kept = json.dumps([Run.objects.get(pk=run.pk).state for run in runs.values()])
    assert "KARI-WROTE" not in kept and "Kari" not in kept and "Sammen for" not in kept
    # Her written survey answer and reflection are gone from everywhere.
    assert "KARI-WROTE" not in json.dumps(
        survey.export_sheets(Run.objects.get(pk=runs["survey"].pk))
    )
    assert "KARI-WROTE" not in json.dumps(list(Submission.objects.values("text", "data")))


def test_erasing_one_after_another_keeps_adding_up(day):
    runs, people = day
    before = numbers(runs)
    for name in ("Kari", "Per", "Ola"):
        services.erase(people[name], reason=ContentDeletion.Reason.FACILITATOR)
        assert numbers(runs) == before
    assert words(runs) == {"Omtanke": 1, "mot": 1}  # Siv's and the guest's
    assert standings(runs) == []  # all three who proposed are gone


def test_retention_removes_every_row_and_keeps_every_number_exact(day, workshop):
    runs, _people = day
    before = numbers(runs)
    written = survey.export_sheets(runs["survey"])[1][2]
    assert len(written) == 5  # the written answers, shown once enough had answered
    services.purge_programme(workshop.programme)
    # What stays of the rows has no author and no text.
    assert (
        not Submission.objects.filter(run__workshop=workshop).exclude(author=None, text="").exists()
    )
    assert not Attendee.objects.filter(workshop=workshop).exists()
    assert numbers(runs) == before
    assert words(runs) == {} and standings(runs) == []
    # Written answers and reflections are people's own words: only their counts stay.
    sheets = survey.export_sheets(Run.objects.get(pk=runs["survey"].pk))
    assert "WROTE" not in json.dumps(sheets)
    kept = json.dumps([Run.objects.get(pk=run.pk).state for run in runs.values()])
    assert "WROTE" not in kept


def test_the_exports_read_the_same_after_deletion_but_for_the_texts(day, workshop, bob_client):
    runs, people = day

    def exported() -> dict[str, list[list[str]]]:
        tables = {}
        for name, run in runs.items():
            text = bob_client.get(reverse("exercises:export_csv", args=[run.pk])).text
            tables[name] = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
        return tables

    before = exported()
    services.erase(people["Per"], reason=ContentDeletion.Reason.PARTICIPANT)
    services.purge_programme(workshop.programme)
    after = exported()
    for name in ("diamond", "reflection"):
        assert after[name] == before[name], name
    statements = [row for row in before["survey"] if row[0] == "Relasjon"]
    assert [row for row in after["survey"] if row[0] == "Relasjon"] == statements
    # The words and proposals were their writers' texts: the tables keep their headings only.
    for name in ("word_cloud", "proposals"):
        assert len(before[name]) > 1 and after[name] == before[name][:1], name


def test_a_run_that_goes_on_after_an_erasure_counts_on(day):
    runs, people = day
    cloud = runs["word_cloud"]
    services.erase(people["Kari"], reason=ContentDeletion.Reason.PARTICIPANT)
    newcomer = identity.join(cloud.workshop, _device_hash("new"), None, "Ny")
    _send(Run.objects.get(pk=cloud.pk), newcomer, {"text": "tillit"})
    context = cloud.module.room_context(Run.objects.get(pk=cloud.pk))
    assert [(w.text, w.count) for w in context["words"]()][:2] == [("tillit", 3), ("Mot", 2)]
    assert (context["entry_count"](), context["people"]()) == (10, 6)


def test_a_word_the_facilitator_hid_leaves_his_choices_and_his_log(day, workshop, alice):
    runs, people = day
    cloud = change(
        runs["word_cloud"], "hide", by=alice, expected_version=None, data={"key": "KARI-er-dum"}
    )
    cloud = change(
        cloud, "merge", by=alice, expected_version=None, data={"key": "Omtanke", "into": "Mot"}
    )
    before = cloud.module.room_context(cloud)
    assert "KARI-er-dum" in [w.text for w in before["all_words"]()]
    assert "KARI-er-dum" not in [w.text for w in before["words"]()]
    services.erase(people["Ola"], reason=ContentDeletion.Reason.PARTICIPANT)
    after = Run.objects.get(pk=cloud.pk)
    # Ola wrote the hidden word: it leaves the hidden list and the log's line about it.
    assert after.state["hidden"] == []
    assert "KARI-er-dum" not in [w.text for w in after.module.room_context(after)["all_words"]()]
    log = dict(RunEvent.objects.filter(run=cloud).values_list("action", "detail"))
    assert log == {"hide": "", "merge": "omtanke -> mot"}  # Siv's and the guest's words stay
    assert after.state["merges"] == {"omtanke": "mot"}
    services.purge_programme(workshop.programme)
    after = Run.objects.get(pk=cloud.pk)
    assert after.state["merges"] == {} and after.module.room_context(after)["entry_count"]() == 9
    # Nor does the facilitator's log keep anything: retention empties the log's details.
    assert set(RunEvent.objects.filter(run=cloud).values_list("detail", flat=True)) == {""}


def test_what_earlier_deletions_kept_of_texts_is_taken_out(day):
    """Deletions before texts left with their writers kept the words and proposals on the run;
    the migration takes them out, and the counts stay."""
    import importlib

    from django.apps import apps

    runs, _people = day
    cloud = Run.objects.get(pk=runs["word_cloud"].pk)
    cloud.state["kept"] = {"entries": 2, "people": 1, "words": [["Gammelt ord", 2]]}
    cloud.save()
    migration = importlib.import_module("exercises.migrations.0007_forget_kept_texts")
    migration.forget_kept_texts(apps, None)
    cloud.refresh_from_db()
    assert cloud.state["kept"] == {"entries": 2, "people": 1}
    assert "Gammelt ord" not in [w.text for w in cloud.module.room_context(cloud)["words"]()]


def test_a_diamond_edited_after_deletion_stops_counting_what_was_placed_before(day):
    runs, people = day
    services.erase(people["Per"], reason=ContentDeletion.Reason.PARTICIPANT)
    diamond = Run.objects.get(pk=runs["diamond"].pk)
    exercise = diamond.exercise
    exercise.settings = {**exercise.settings, "items": "\n".join([*ITEMS[:8], "Ny verdi"])}
    exercise.save()
    context = diamond.module.room_context(Run.objects.get(pk=diamond.pk))
    # Every diamond, kept or not, was placed for the old nine: none counts for the new.
    assert (context["placed"], context["counted"], context["ignored"]) == (4, 0, 4)
    assert {r.score for r in context["results"]} == {0}


def test_what_stays_of_her_rows_leads_to_no_one(day):
    """Her rows that stay have no author, no text and no group; they share an alias within a
    run, so she still counts once there, and a new one in each run, so nothing ties her
    answers in one run to another's. Nothing of it is on anyone's page."""
    runs, people = day
    kari = people["Kari"]
    services.erase(kari, reason=ContentDeletion.Reason.PARTICIPANT)
    left = Submission.objects.exclude(alias=None)
    assert set(left.values_list("author", "text", "group")) == {(None, "", None)}
    aliases = set(left.values_list("run", "alias"))
    assert len(aliases) == len({run for run, _alias in aliases}) == 5
    assert len({alias for _run, alias in aliases}) == 5
    assert services.submissions_of(kari).count() == 0
    assert services.export(kari)["exercise_answers"] == []
    # Per is erased after her: his rows get their own alias, and hers stay as they were.
    services.erase(people["Per"], reason=ContentDeletion.Reason.PARTICIPANT)
    assert set(left.values_list("run", "alias")) >= aliases
    assert len(set(left.values_list("alias", flat=True))) == 10


def test_deleting_nothing_changes_nothing(day):
    runs, _people = day
    before = results(runs)
    assert erase_submissions(Submission.objects.none()) == 0
    assert all("kept" not in Run.objects.get(pk=run.pk).state for run in runs.values())
    assert results(runs) == before


def test_groups_own_diamonds_keep_their_totals(workshop, agenda, alice):
    """Each group placed its own nine (its list from the IGP before): the room's ranking takes
    every item any group had, and keeps it after the groups' diamonds are deleted."""
    from django.test import Client

    from exercises.kinds import igp

    first = ["Tillit", "Mot", "Raushet", "Nærvær", "Humor", "Ansvar", "Åpenhet", "Lytte", "Ro"]
    second = ["tillit", "Respekt", "Ærlighet", "Samhold", "Glede", "Omsorg", "Vilje", "Lojal", "X"]
    Exercise.objects.create(
        agenda_item=agenda[1],
        kind="igp",
        settings={"prompt": "Verdier?", "target": 9, "grouping": "size", "group_size": 2},
    )
    Exercise.objects.create(
        agenda_item=agenda[2],
        kind="diamond",
        settings={"prompt": "Plasser", "mode": "group", "source": "igp", "items": ""},
    )
    live_day.start(workshop, by=alice)
    phones = {}
    for name in ("Ane", "Bo", "Cato", "Dina"):
        phones[name] = Client(headers={"accept-language": "en"})
        phones[name].post(
            reverse("live:join_day", args=[workshop.join_code]), {"display_name": name}
        )
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    source = Run.objects.get(exercise__kind="igp")
    for group, texts in zip(source.groups.order_by("number"), (first, second), strict=True):
        for text in texts:
            Submission.objects.create(
                run=source, group=group, key=igp.OUTPUT, text=text, token=uuid.uuid4()
            )
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    run = Run.objects.get(exercise__kind="diamond")
    for group in run.groups.order_by("number"):
        secretary = group.members.get(role="secretary").attendee
        rows = [1, 2, 2, 3, 3, 3, 4, 4, 5]  # the group's list top down, as it came
        _send(run, secretary, {f"item-{i}": str(row) for i, row in enumerate(rows)})

    def ranking() -> list:
        fresh = Run.objects.get(pk=run.pk)
        context = fresh.module.room_context(fresh)
        return [(r.item, r.score, r.rank) for r in context["results"]], context["placed"]

    before = ranking()
    assert before[0][0] == ("Tillit", 10, 1) and len(before[0]) == 17 and before[1] == 2
    services.purge_programme(workshop.programme)
    assert not Submission.objects.filter(run=run).exclude(author=None, text="").exists()
    assert ranking() == before


def test_what_the_secretary_typed_for_the_group_stays_with_the_group_without_their_name(
    programme, workshop, group
):
    """Erasing the secretary takes their own notes, drafts and dots; the group's agreed list,
    its diamond and its proposal are the group's, and stay for the others, with no author."""
    from exercises.kinds import diamond, igp, proposals

    live_day.start(workshop, by=None)
    people = {
        name: programme.participants.create(name=name, network_group=group)
        for name in ("Kari", "Per")
    }
    attendees = {
        name: Attendee.objects.create(
            workshop=workshop, participant=person, display_name=name, device_hash=name
        )
        for name, person in people.items()
    }
    kari, per = attendees["Kari"], attendees["Per"]
    runs = {}
    for position, kind in enumerate(("igp", "diamond", "proposals"), start=10):
        item = AgendaItem.objects.create(
            workshop=workshop, position=position, kind="exercise", title=kind, duration_minutes=9
        )
        exercise = Exercise.objects.create(agenda_item=item, kind=kind, settings={})
        runs[kind] = Run.objects.create(exercise=exercise, workshop=workshop)
    rows = {
        # (run, key, author, in the group, text): Kari is each group's secretary.
        "output": ("igp", igp.OUTPUT, kari, True, "Tillit"),
        "note": ("igp", igp.NOTE, kari, True, "KARI-NOTAT"),
        "per's note": ("igp", igp.NOTE, per, True, "Pers notat"),
        "diamond": ("diamond", diamond.PLACEMENT, kari, True, "Tillit / Mot"),
        "draft": ("diamond", diamond.DRAFT, kari, False, "KARI-KLADD"),
        "group proposal": ("proposals", proposals.PROPOSAL, kari, True, "Sammen for Seljord"),
        "own proposal": ("proposals", proposals.PROPOSAL, kari, False, "KARI-FORSLAG"),
        "dots": ("proposals", proposals.VOTE, kari, False, "2"),
    }
    for kind, key, author, in_group, text in rows.values():
        run = runs[kind]
        team = run.groups.get_or_create(number=1, defaults={"name": "Gruppe 1"})[0]
        Submission.objects.create(
            run=run,
            key=key,
            author=author,
            group=team if in_group else None,
            text=text,
            token=uuid.uuid4(),
        )

    counts = services.erase(people["Kari"], reason=ContentDeletion.Reason.PARTICIPANT)

    left = {
        (s.run.exercise.kind, s.key, s.text): s.author for s in Submission.objects.exclude(text="")
    }
    assert left == {
        ("igp", igp.OUTPUT, "Tillit"): None,
        ("igp", igp.NOTE, "Pers notat"): per,
        ("diamond", diamond.PLACEMENT, "Tillit / Mot"): None,
        ("proposals", proposals.PROPOSAL, "Sammen for Seljord"): None,
    }
    # Of her own rows, those the room counts stay with no author and no text (her note, her
    # own proposal, her dots); her draft counted nowhere and is gone.
    emptied = Submission.objects.filter(text="")
    assert sorted(emptied.values_list("run__exercise__kind", "key", "author")) == [
        ("igp", igp.NOTE, None),
        ("proposals", proposals.PROPOSAL, None),
        ("proposals", proposals.VOTE, None),
    ]
    assert "KARI" not in json.dumps(list(emptied.values_list("data", flat=True)))
    assert (counts["submissions"], counts["group_results_kept"]) == (4, 3)
    assert services.submissions_of(people["Kari"]).count() == 0  # nothing leads back to her
    # The group still sees its list where it looks for it.
    assert igp.room_context(runs["igp"])["groups"][0]["outputs"] == ["Tillit"]

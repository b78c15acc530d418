from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from exercises.aggregate import (
    ScoreChange,
    open_answers,
    scale_summary,
    score_changes,
    statement_key,
    survey_scores,
)
from exercises.kinds import survey
from exercises.models import Exercise, Run, Submission
from exercises.runs import change
from live import day as live_day
from workshops.identity import DEVICE_COOKIE
from workshops.models import AgendaItem, Participant, Workshop

HTMX = {"HTTP_HX_REQUEST": "true"}

STATEMENTS = "\n".join(
    [
        "## Relasjon",
        "Jeg lytter for å forstå.",
        "Jeg gir ærlige tilbakemeldinger.",
        "## Utvikling",
        "Jeg lærer noe nytt hver uke.",
    ]
)
QUESTIONS = "Hva er dine to viktigste styrker?"
LISTEN, HONEST, LEARN = (
    "Jeg lytter for å forstå.",
    "Jeg gir ærlige tilbakemeldinger.",
    "Jeg lærer noe nytt hver uke.",
)


# Aggregation: pure functions


def test_scale_summary_mean_and_distribution():
    summary = scale_summary([5, 4, 4, 2, 5, 1], minimum=5)
    assert summary.shown
    assert summary.n == 6
    assert summary.mean == pytest.approx(21 / 6)
    assert summary.distribution == (1, 1, 0, 2, 2)
    assert sum(summary.shares) == pytest.approx(100)


def test_scale_summary_hides_everything_but_n_below_the_threshold():
    summary = scale_summary([5, 4, 4, 2], minimum=5)
    assert not summary.shown
    assert (summary.n, summary.needed, summary.mean, summary.distribution) == (4, 5, None, None)
    assert summary.shares == ()


def test_threshold_is_never_below_three():
    assert not scale_summary([3, 4], minimum=1).shown
    assert scale_summary([3, 4], minimum=1).needed == 3
    assert scale_summary([3, 4, 5], minimum=0).mean == 4


def test_scores_off_the_scale_are_ignored():
    summary = scale_summary([0, 6, True, "3", None, 3, 3, 3], minimum=3)
    assert summary.n == 3
    assert summary.distribution == (0, 0, 3, 0, 0)


def test_survey_scores_match_statements_by_text_and_order():
    sheets = [
        {"Jeg lytter.": 4, "Jeg leder.": 2, "Borte nå.": 1},
        {" jeg  LYTTER. ": 2, "Jeg leder.": 3},
        {"Jeg lytter.": 3},
    ]
    listen, lead = survey_scores(sheets, ["Jeg lytter.", "Jeg leder."], minimum=3)
    assert listen.mean == 3 and listen.n == 3
    assert lead.n == 2 and not lead.shown  # this statement has fewer answers than needed


def test_open_answers_are_sorted_not_in_arrival_order_and_wait_for_enough():
    sheets = [
        {"Styrker?": "Tydelig", "Utvikling?": "Lytte"},
        {"Styrker?": "Åpen", "Utvikling?": ""},
        {"Styrker?": "ærlig", "Utvikling?": "Delegere"},
    ]
    assert open_answers(sheets[:2], ["Styrker?"], minimum=3) is None
    assert open_answers(sheets, ["Styrker?", "Utvikling?"], minimum=3) == [
        ["Tydelig", "ærlig", "Åpen"],
        ["Delegere", "Lytte"],
    ]


def test_score_changes_compare_with_the_latest_earlier_answer():
    earlier = [{"A": 1, "B": 2}, {"a ": 3}]
    changes = score_changes({"A": 4, "B": 2, "C": 5}, earlier)
    assert changes == {"a": ScoreChange(3, 4), "b": ScoreChange(2, 2)}
    assert changes["a"].delta == 1 and changes["b"].delta == 0
    assert statement_key("  Jeg  LYTTER ") == "jeg lytter"


# The survey as the facilitator types it


def test_parse_sections_and_questions():
    parsed = survey.parse("Uten seksjon\n\n## Første\n  Én  \n##Andre\nTo\n", "Spørsmål?\n\n")
    assert [(s.title, s.statements) for s in parsed.sections] == [
        ("", ("Uten seksjon",)),
        ("Første", ("Én",)),
        ("Andre", ("To",)),
    ]
    assert parsed.questions == ("Spørsmål?",)
    assert parsed.statements == ["Uten seksjon", "Én", "To"]


def settings_data(**changes) -> dict:
    data = {
        "template": "raus",
        "loaded": "raus",
        "intro": "",
        "statements": STATEMENTS,
        "questions": QUESTIONS,
        "low_label": "Helt uenig",
        "high_label": "Helt enig",
        "min_answers": 5,
        "max_length": 500,
        "minutes": 10,
        "hidden_until_reveal": "on",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"statements": "", "questions": ""}, None, "Add at least one statement or question."),
        (
            {"statements": "\n".join(f"Utsagn {i}" for i in range(41)), "questions": ""},
            None,
            "A survey takes at most 40 statements and questions (this has 41).",
        ),
        (
            {"statements": "x" * 301},
            "statements",
            "Keep each line to 300 characters (“xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…” has 301).",
        ),
        ({"questions": "Hva?\nhva? "}, "questions", "“hva?” is there twice"),
        ({"statements": "## Tom\n## Full\nEn"}, "statements", "The section “Tom” has no"),
        ({"min_answers": 2}, "min_answers", "At least 3, so no one can be singled out."),
    ],
)
def test_settings_are_validated(changes, field, message):
    form = survey.SettingsForm(settings_data(**changes))
    assert not form.is_valid()
    errors = form.errors.get(field or "__all__", [])
    assert any(message in error for error in errors), form.errors


def test_every_template_is_a_valid_survey():
    for key, template in survey.TEMPLATES.items():
        if key == "blank":
            continue
        parsed = survey.parse(template["statements"], template["questions"])
        assert survey.problems(parsed) == [], key
    raus = survey.parse(survey.TEMPLATES["raus"]["statements"], "")
    assert len(raus.statements) == 4
    assert len(survey.parse(survey.TEMPLATES["relational"]["statements"], "").statements) == 14


def test_setup_with_a_template(alice_client, agenda):
    item = agenda[3]
    url = reverse("exercises:setup", args=[item.pk])
    page = alice_client.get(url + "?kind=survey")
    assert "Jeg kjenner meg velkommen når jeg kommer på jobb." in page.text  # RAUS by default
    # Choosing another template fills in its text for editing; nothing is saved yet.
    response = alice_client.post(url, {"kind": "survey", **settings_data(template="relational")})
    assert response.status_code == 200
    assert "The template “Self-assessment: relational leadership” is filled in below." in (
        response.text
    )
    assert "Jeg lytter for å forstå, ikke for å svare." in response.text
    assert 'name="loaded" value="relational"' in response.text
    assert not Exercise.objects.exists()
    # The facilitator edits the template's text and saves.
    relational = survey.TEMPLATES["relational"]
    edited = relational["statements"] + "\nJeg feirer det vi får til sammen."
    alice_client.post(
        url,
        {
            "kind": "survey",
            **settings_data(
                template="relational",
                loaded="relational",
                statements=edited,
                questions=relational["questions"],
            ),
        },
    )
    exercise = Exercise.objects.get()
    assert exercise.kind == "survey"
    assert exercise.settings["statements"].endswith("Jeg feirer det vi får til sammen.")
    assert exercise.settings["min_answers"] == 5


# Live: phones answer, the room sees totals


def make_survey(item: AgendaItem, **settings) -> Exercise:
    data = survey.SettingsForm(settings_data(**settings))
    assert data.is_valid(), data.errors
    return Exercise.objects.create(agenda_item=item, kind="survey", settings=data.cleaned_data)


@pytest.fixture
def run(workshop, agenda, alice) -> Run:
    make_survey(agenda[3], max_length=50)
    live_day.start(workshop, by=alice)
    for _ in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get()


@pytest.fixture
def anonymous_run(workshop, agenda, alice) -> Run:
    make_survey(agenda[3], anonymous="on")
    live_day.start(workshop, by=alice)
    for _ in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get()


def phone_for(workshop, name: str = "", participant: Participant | None = None) -> Client:
    phone = Client(headers={"accept-language": "en"})
    data = {"participant": participant.pk} if participant else {"display_name": name}
    phone.post(reverse("live:join_day", args=[workshop.join_code]), data)
    assert phone.cookies[DEVICE_COOKIE].value
    return phone


def answers(scores=(4, 3, 5), text="Lytte", **extra) -> dict:
    data = {
        survey.field_name("s", s): v for s, v in zip((LISTEN, HONEST, LEARN), scores, strict=True)
    }
    data[survey.field_name("q", QUESTIONS)] = text
    return {**data, **extra}


def send(phone: Client, workshop, run, data: dict, token=None):
    return phone.post(
        reverse("live:submit", args=[workshop.join_code, run.pk]),
        {**data, "token": token or uuid.uuid4()},
        **HTMX,
    )


def phone_page(phone: Client, workshop) -> str:
    return phone.get(reverse("live:phone", args=[workshop.join_code])).text


def test_phone_shows_the_survey(workshop, run):
    page = phone_page(phone_for(workshop, "Kari"), workshop)
    assert "Relasjon" in page and LISTEN in page and QUESTIONS in page
    assert f'id="{run.pk}-{survey.field_name("s", LISTEN)}-5"' in page
    assert "data-token-form" in page and 'hx-preserve="true"' in page
    assert "no one else sees them with your name" in page


def test_answer_is_saved_and_shown_back_to_the_person(workshop, run):
    phone = phone_for(workshop, "Kari")
    response = send(phone, workshop, run, answers())
    assert "Thank you! Your answers are saved." in response.text
    assert "Your answers" in response.text and "Lytte" in response.text
    submission = Submission.objects.get()
    assert submission.author.display_name == "Kari"
    assert submission.data == {
        "scores": [[LISTEN, 4], [HONEST, 3], [LEARN, 5]],
        "answers": [[QUESTIONS, "Lytte"]],
    }
    page = phone_page(phone, workshop)  # a reload shows the answers again, not the form
    assert "Your answers" in page and "Send my answers" not in page


def test_a_retried_answer_is_saved_once(workshop, run):
    phone = phone_for(workshop, "Kari")
    token = uuid.uuid4()
    for _ in range(3):
        assert send(phone, workshop, run, answers(), token).status_code == 200
    assert Submission.objects.count() == 1


def test_one_answer_per_person(workshop, run):
    phone = phone_for(workshop, "Kari")
    send(phone, workshop, run, answers(scores=(1, 1, 1)))
    again = send(phone, workshop, run, answers(scores=(5, 5, 5)))
    assert "You have answered this survey already; your answers stand." in again.text
    assert Submission.objects.get().data["scores"][0] == [LISTEN, 1]


def test_validation_messages_keep_what_was_typed(workshop, run):
    phone = phone_for(workshop, "Kari")
    data = answers(text="x" * 51)
    del data[survey.field_name("s", HONEST)]
    response = send(phone, workshop, run, data)
    assert "Choose a number from 1 to 5." in response.text
    assert "Keep it to 50 characters (this has 51)." in response.text
    assert "2 answers need a look" in response.text
    assert f'id="{run.pk}-{survey.field_name("s", LISTEN)}-4" value="4" checked' in response.text
    bad = send(phone, workshop, run, answers(scores=(4, 9, 3)))
    assert "Choose a number from 1 to 5." in bad.text
    assert not Submission.objects.exists()


def test_written_answers_are_escaped(workshop, run, alice_client):
    for i in range(5):
        send(phone_for(workshop, f"P{i}"), workshop, run, answers(text="<script>x</script>"))
    page = alice_client.get(reverse("live:console", args=[workshop.pk])).text
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x</script>" not in page


def test_anonymous_survey_stores_no_author(workshop, anonymous_run):
    run = anonymous_run
    phones = [phone_for(workshop, name) for name in ("Kari", "Ola", "Per")]
    for phone in phones:
        response = send(phone, workshop, run, answers())
        assert "Thank you! Your answers are saved." in response.text
    assert Submission.objects.count() == 3
    assert all(s.author is None for s in Submission.objects.all())
    run.refresh_from_db()
    attendees = sorted(workshop.attendees.values_list("pk", flat=True))
    assert run.state["answered"] == attendees  # who answered, in id order, apart from answers
    assert run.version == 0  # the facilitator's page isn't made stale by answers
    page = phone_page(phones[0], workshop)
    assert "Thank you! Your answers are saved." in page
    assert "can't be shown to you again" in page
    assert "Send my answers" not in page
    again = send(phones[0], workshop, run, answers())
    assert "You have answered this survey already" in again.text
    token = uuid.uuid4()
    newcomer = phone_for(workshop, "Siri")
    for _ in range(2):
        send(newcomer, workshop, run, answers(), token)
    assert Submission.objects.count() == 4
    assert not Submission.objects.filter(author__isnull=False).exists()


def test_a_facilitator_never_sees_an_individual(workshop, run, alice, alice_client, bob_client):
    names = ["Kari", "Ola", "Per", "Siri", "Nils"]
    console = reverse("live:console", args=[workshop.pk])
    presenter = reverse("live:presenter", args=[workshop.pk])
    phones = [phone_for(workshop, name) for name in names]
    for i, phone in enumerate(phones[:4]):
        send(phone, workshop, run, answers(scores=(i + 1, 3, 5), text=f"Styrke {names[i]}x"))
    # Four answers: only the count, no mean, no distribution, no written answers.
    for page in (alice_client.get(console).text, bob_client.get(presenter).text):
        assert "4 of 5 answers needed before results are shown." in page
        assert "Styrke" not in page
        assert "survey-result__mean" not in page and "survey-table" not in page
    send(phones[4], workshop, run, answers(scores=(5, 3, 5), text="Styrke Nilsx"))
    page = alice_client.get(console).text
    assert "survey-table" in page
    assert "<td>3.0</td>" in page  # the mean of 1, 2, 3, 4, 5
    assert page.index("Styrke Kari") < page.index("Styrke Nils") < page.index("Styrke Per")
    # The presenter waits for the facilitator to reveal.
    assert "survey-result__mean" not in bob_client.get(presenter).text
    change(run, "reveal", by=alice, expected_version=0, data={})
    shown = bob_client.get(presenter).text
    assert "survey-result__mean" in shown
    # The written answers too, as the phones promise: without names, in alphabetical order.
    written = shown[shown.index("survey-stage__written") :]
    assert written.index("Styrke Kari") < written.index("Styrke Nils") < written.index("Styrke Per")
    for name in names:
        assert name not in written.replace(f"Styrke {name}x", "")
    section = page[page.index("survey-table") :]
    for name in names:
        assert f"Styrke {name}x" in page
        assert name not in section.replace(f"Styrke {name}x", "")


def exported_rows(client, run) -> list[list[str]]:
    response = client.get(reverse("exercises:export_csv", args=[run.pk]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_exports_hold_totals_only(workshop, run, bob_client):
    names = ["Kari", "Ola", "Per"]
    for i, name in enumerate(names):
        send(phone_for(workshop, name), workshop, run, answers(scores=(i + 1, 3, 5)))
    rows = exported_rows(bob_client, run)
    assert rows[0][:4] == ["Section", "Statement", "Answers", "Mean"]
    assert rows[1] == ["Relasjon", LISTEN, "3", "", "", "", "", "", "", rows[1][-1]]
    assert rows[1][-1] == "3 of 5 answers needed: not shown"
    assert rows[-1][1:] == [QUESTIONS, "", "", "", "", "", "", "", rows[-1][-1]]
    assert "not shown" in rows[-1][-1]
    for name in ["Siri", "Nils"]:
        send(phone_for(workshop, name), workshop, run, answers(scores=(5, 3, 5), text=""))
    rows = exported_rows(bob_client, run)
    assert rows[1] == ["Relasjon", LISTEN, "5", "3.20", "1", "1", "1", "0", "2", ""]
    assert rows[2] == ["Relasjon", HONEST, "5", "3.00", "0", "0", "5", "0", "0", ""]
    assert rows[3][:4] == ["Utvikling", LEARN, "5", "5.00"]
    assert [row[-1] for row in rows[4:]] == ["Lytte", "Lytte", "Lytte"]  # no empty answers
    text = "\n".join(";".join(row) for row in rows)
    for name in names + ["Siri", "Nils"]:
        assert name not in text
    assert len(rows) == 1 + 3 + 3  # header, one row per statement, one per written answer


def test_xlsx_export_opens_and_holds_the_totals(workshop, run, bob_client):
    for i, name in enumerate(["Kari", "Ola", "Per", "Siri", "Nils"]):
        text = '=HYPERLINK("http://x")' if i == 0 else f"Svar\x07 {i}"
        send(phone_for(workshop, name), workshop, run, answers(scores=(i + 1, 3, 5), text=text))
    response = bob_client.get(reverse("exercises:export_xlsx", args=[run.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Statements", "Written answers"]
    statements = [list(row) for row in book["Statements"].iter_rows(values_only=True)]
    assert statements[0] == [
        "Section", "Statement", "Answers", "Mean", "1", "2", "3", "4", "5", "Note"
    ]  # fmt: skip
    assert statements[1][:9] == ["Relasjon", LISTEN, 5, 3, 1, 1, 1, 1, 1]
    assert statements[2][:9] == ["Relasjon", HONEST, 5, 3, 0, 0, 5, 0, 0]
    written = book["Written answers"]
    cells = [row[1].value for row in written.iter_rows(min_row=2)]
    assert '=HYPERLINK("http://x")' in cells
    formula = next(row[1] for row in written.iter_rows(min_row=2) if row[1].value[0] == "=")
    assert formula.data_type == "s"  # text, not a formula
    assert "Svar 1" in cells  # the control character is dropped, the answer kept
    for name in ["Kari", "Ola", "Per", "Siri", "Nils"]:
        for sheet in book:
            for row in sheet.iter_rows(values_only=True):
                assert all(name not in str(cell) for cell in row)


def test_xlsx_export_of_another_kind_is_its_csv_table(workshop, agenda, alice, bob_client):
    Exercise.objects.create(agenda_item=agenda[3], kind="word_cloud", settings={"prompt": "?"})
    live_day.start(workshop, by=alice)
    for _ in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    run = Run.objects.get()
    phone = phone_for(workshop, "Kari")
    phone.post(
        reverse("live:submit", args=[workshop.join_code, run.pk]),
        {"text": "=tillit", "token": uuid.uuid4()},
        **HTMX,
    )
    response = bob_client.get(reverse("exercises:export_xlsx", args=[run.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Word", "Count", "Hidden"],
        ["=tillit", 1, None],
    ]


# Change since last time, across two days of the same programme


def test_change_since_last_time(programme, workshop, alice):
    kari = Participant.objects.create(programme=programme, name="Kari Nordmann")
    day1 = Workshop.objects.create(programme=programme, number=1, date=dt.date(2026, 9, 20))
    item1 = AgendaItem.objects.create(
        workshop=day1, position=0, kind="exercise", title="RAUS", duration_minutes=20
    )
    make_survey(item1)
    live_day.start(day1, by=alice)
    run1 = Run.objects.get(workshop=day1)
    send(phone_for(day1, participant=kari), day1, run1, answers(scores=(2, 4, 3)))
    send(phone_for(day1, "Gjest"), day1, run1, answers(scores=(5, 5, 5)))
    live_day.end(day1, by=alice, expected_version=None)

    # Day 2 runs the same survey, retyped with other spacing and one new statement.
    item2 = AgendaItem.objects.create(
        workshop=workshop, position=0, kind="exercise", title="R", duration_minutes=20
    )
    make_survey(item2, statements=STATEMENTS.replace(LISTEN, " jeg lytter  for å forstå.") + "\nNy")
    live_day.start(workshop, by=alice)
    run2 = Run.objects.get(workshop=workshop)
    phone = phone_for(workshop, participant=kari)
    data = answers(scores=(4, 3, 3))
    data.pop(survey.field_name("s", LISTEN))
    data[survey.field_name("s", "jeg lytter for å forstå.")] = 4
    data[survey.field_name("s", "Ny")] = 1
    response = send(phone, workshop, run2, data)
    assert "up 2 since last time (2)" in response.text
    assert "down 1 since last time (4)" in response.text
    assert "the same as last time" in response.text
    ctx = run2.module.phone_context(run2, Submission.objects.get(run=run2).author)
    rows = {row["text"]: row["change"] for s in ctx["mine"] for row in s["items"]}
    assert rows["Ny"] is None  # nothing to compare with
    # Someone else on day 2 (not on the roster) has no history to compare with.
    other = send(phone_for(workshop, "Gjest"), workshop, run2, data)
    assert "since last time" not in other.text


def test_the_room_fragment_is_drawn_without_anyones_answers(workshop, run):
    from live import broadcast

    room = broadcast.render(workshop, "participants", "en")
    assert "Send my answers" in room
    assert 'hx-trigger="load"' not in room  # nobody has answered: nothing to fetch
    send(phone_for(workshop, "Kari"), workshop, run, answers(text="Hemmelig styrke"))
    room = broadcast.render(workshop, "participants", "en")
    assert "Hemmelig styrke" not in room
    assert "Your answers</h3>" not in room
    assert "csrfmiddlewaretoken" not in room
    assert 'name="token" value=""' in room  # each phone makes its own
    # A phone where the element is new fetches its own copy once.
    assert 'hx-trigger="load"' in room
    assert f'hx-select="#mine-{run.pk} > *"' in room


def test_a_survey_of_written_questions_only_needs_one_answer():
    only_written = survey.parse("", "Hva tar du med deg?\nHva bør endres?")
    form = survey.AnswerForm({}, survey=only_written, max_length=100)
    assert form.errors["__all__"] == ["Write an answer first."]
    name = survey.field_name("q", "Hva bør endres?")
    form = survey.AnswerForm({name: " Mer pause "}, survey=only_written, max_length=100)
    assert form.is_valid()
    assert form.sheet() == {
        "scores": [],
        "answers": [["Hva tar du med deg?", ""], ["Hva bør endres?", "Mer pause"]],
    }


def test_a_survey_of_written_questions_only_shows_no_empty_table(
    workshop, agenda, alice, alice_client, bob_client
):
    make_survey(agenda[3], statements="", questions="Hva tar du med deg?")
    live_day.start(workshop, by=alice)
    for _ in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    run = Run.objects.get()
    for name in ["Kari", "Ola", "Per", "Siri", "Nils"]:
        send(
            phone_for(workshop, name),
            workshop,
            run,
            {survey.field_name("q", "Hva tar du med deg?"): f"Ro fra {name}x"},
        )
    console = alice_client.get(reverse("live:console", args=[workshop.pk])).text
    assert "survey-table" not in console and "Totals per statement" not in console
    assert "Ro fra Kari" in console
    change(run, "reveal", by=alice, expected_version=0, data={})
    shown = bob_client.get(reverse("live:presenter", args=[workshop.pk])).text
    assert "survey-stage__scale" not in shown  # no statements, no scale to explain
    assert "Ro fra Nilsx" in shown
    rows = exported_rows(bob_client, run)
    assert rows[0] == ["Question", "Answer"]
    assert [row[1] for row in rows[1:]] == [
        f"Ro fra {n}x" for n in ["Kari", "Nils", "Ola", "Per", "Siri"]
    ]
    response = bob_client.get(reverse("exercises:export_xlsx", args=[run.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Written answers"]

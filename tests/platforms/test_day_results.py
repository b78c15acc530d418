"""The day's results page: every run of a day with every kind, as the room saw it at its end,
with its downloads and what was promoted to the lederplattform. HR reads it, an outsider gets
404, and a survey's answers below its anonymity threshold never appear."""

from __future__ import annotations

import pytest
from django.urls import reverse

from exercises import kinds
from exercises.kinds import survey
from exercises.models import Run
from live import day as live_day
from platforms import services
from tests import test_erasure_canary as canary
from tests.test_erasure_canary import GROUP_TEXT, _run, _send
from workshops import identity

# The whole day with every kind of exercise, as the erasure test drives it (no browser).
day = canary.day


def url(workshop) -> str:
    return reverse("platforms:day_results", args=[workshop.pk])


@pytest.fixture
def ended(day, workshop, alice):
    """The whole day, run and ended."""
    workshop.refresh_from_db()
    live_day.end(workshop, by=alice, expected_version=None)
    return workshop


def test_every_kind_shows_its_result(alice_client, ended):
    page = alice_client.get(url(ended)).content.decode()
    runs = Run.objects.filter(workshop=ended)
    assert {run.exercise.kind for run in runs} == set(kinds.KINDS)  # every kind was run
    for run in runs:
        assert f'id="run-{run.pk}"' in page
        assert str(run.module.LABEL) in page
    # Each kind's result, as its partial draws it at the end of the run.
    expected = [
        "KanariFugl7731 ord",  # the word cloud's words (revealed)
        "Jeg lytter for å forstå.",  # the survey's statement, with its mean
        "4.0",
        "Rolig",  # a written survey answer: three answered, the threshold is three
        "Sammen for Seljord",  # the room's decision
        'class="room-diamond"',  # the room's diamond
        GROUP_TEXT,  # the IGP group's agreed list
        "1 comment",  # the gallery walk's stations
        "1 has checked in",  # the check-in
        "1 has answered",  # the reflection: a count, never the text
    ]
    for text in expected:
        assert text in page, text
    assert "KanariFugl7731 refleksjon" not in page  # private reflections stay private


def test_downloads_and_the_way_to_promote(alice_client, ended):
    page = alice_client.get(url(ended)).content.decode()
    for run in Run.objects.filter(workshop=ended):
        assert reverse("exercises:export_csv", args=[run.pk]) in page
        assert reverse("exercises:export_xlsx", args=[run.pk]) in page
        pictured = reverse("exercises:cloud_png", args=[run.pk]) in page
        assert pictured == (run.exercise.kind == "word_cloud")
    diamond = Run.objects.get(workshop=ended, exercise__kind="diamond")
    promote = reverse("platforms:promote_preview", args=[diamond.pk]) + "?offer=room"
    assert promote in page
    assert "not taken onward yet" in page


def test_what_was_promoted_says_so(alice_client, alice, ended):
    diamond = Run.objects.get(workshop=ended, exercise__kind="diamond")
    platform = services.platform_for(ended.programme)
    (offer,) = services.offers_of(diamond)
    services.promote(platform, diamond, offer, target="values", replace=True, by=alice)
    page = alice_client.get(url(ended)).content.decode()
    section = page[page.index(f'id="run-{diamond.pk}"') :]
    section = section[: section.index("</section>\n", section.index("day-result__promote"))]
    assert "taken onward" in section and "not taken onward yet" not in section
    assert "Take onward again" in section


def test_hr_reads_the_results_without_the_facilitators_controls(bob_client, ended):
    response = bob_client.get(url(ended))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sammen for Seljord" in page
    assert reverse("exercises:export_csv", args=[Run.objects.filter(workshop=ended)[0].pk]) in page
    assert "Take onward to the leadership platform" not in page
    for run in Run.objects.filter(workshop=ended):
        assert bob_client.get(reverse("exercises:export_csv", args=[run.pk])).status_code == 200


def test_an_outsider_gets_404(charlie_client, client, ended):
    assert charlie_client.get(url(ended)).status_code == 404
    assert charlie_client.get(reverse("platforms:day_summary", args=[ended.pk])).status_code == 404
    assert client.get(url(ended)).status_code == 302  # to the login page


def test_a_survey_below_its_threshold_shows_no_answers(alice_client, programme, workshop, alice):
    live_day.start(workshop, by=alice)
    people = [programme.participants.create(name=name) for name in ("Ane", "Bo")]
    phones = [identity.join(workshop, identity.device_hash(p.name), p, p.name) for p in people]
    asked = _run(
        workshop,
        1,
        "survey",
        {
            "template": "blank",
            "loaded": "blank",
            "statements": "Jeg gir ros.",
            "questions": "Hva er du god på?",
            "min_answers": 5,
            "max_length": 200,
            "minutes": 5,
        },
    )
    for phone, score, written in ((phones[0], 1, "Hemmelig svar A"), (phones[1], 5, "Svar B")):
        _send(
            asked,
            phone,
            **{
                survey.field_name("s", "Jeg gir ros."): score,
                survey.field_name("q", "Hva er du god på?"): written,
            },
        )
    workshop.refresh_from_db()
    live_day.end(workshop, by=alice, expected_version=None)
    page = alice_client.get(url(workshop)).content.decode()
    assert f'id="run-{asked.pk}"' in page
    assert "2 of 5 answers needed before results are shown." in page
    for secret in ("Hemmelig svar A", "Svar B", "survey-result__mean", "1: 1"):
        assert secret not in page


def test_the_day_page_links_to_the_results_and_locks_a_finished_day(alice_client, ended):
    page = alice_client.get(ended.get_absolute_url()).content.decode()
    assert url(ended) in page
    assert reverse("live:workshop_reopen", args=[ended.pk]) in page
    assert reverse("live:console", args=[ended.pk]) not in page  # "Run the day"
    item = ended.agenda_items.first()
    assert reverse("exercises:setup", args=[item.pk]) not in page
    assert reverse("exercises:agenda_add", args=[ended.pk]) not in page
    programme_page = alice_client.get(ended.programme.get_absolute_url()).content.decode()
    assert url(ended) in programme_page


def test_hr_finds_the_results_from_the_programme(bob_client, ended):
    page = bob_client.get(ended.programme.get_absolute_url()).content.decode()
    assert url(ended) in page

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from exercises.aggregate import CloudWord
from exercises.models import Exercise, Run, RunEvent, Submission
from exercises.runs import change
from exercises.svg import cloud_png, layout
from live import day as live_day
from tests.support import phone_with_csrf_checks
from workshops.identity import DEVICE_COOKIE
from workshops.models import AgendaItem, StaleVersion

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def cloud_item(workshop, agenda) -> AgendaItem:
    item = agenda[3]  # "Tilbakemeldinger i trioer", an exercise item
    Exercise.objects.create(
        agenda_item=item,
        kind="word_cloud",
        settings={
            "prompt": "Hvilke verdier?",
            "max_entries": 2,
            "max_length": 20,
            "minutes": 4,
            "hidden_until_reveal": True,
        },
    )
    return item


@pytest.fixture
def run(workshop, cloud_item, alice) -> Run:
    live_day.start(workshop, by=alice)
    for _ in range(3):
        live_day.advance(workshop, +1, by=alice, expected_version=None)
    return Run.objects.get()


def phone_for(workshop, name: str) -> Client:
    phone = Client(headers={"accept-language": "en"})
    phone.post(reverse("live:join_day", args=[workshop.join_code]), {"display_name": name})
    assert phone.cookies[DEVICE_COOKIE].value
    return phone


def send(phone: Client, workshop, run, text: str, token=None):
    return phone.post(
        reverse("live:submit", args=[workshop.join_code, run.pk]),
        {"text": text, "token": token or uuid.uuid4()},
        **HTMX,
    )


def test_reaching_the_item_starts_the_run_and_times_its_phase(workshop, run):
    workshop.refresh_from_db()
    assert run.exercise.agenda_item == workshop.current_item
    assert workshop.timer_duration.total_seconds() == 4 * 60  # the phase, not the item's 45 min


def test_going_back_and_forth_keeps_one_run(workshop, run, alice):
    live_day.advance(workshop, -1, by=alice, expected_version=None)
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    assert Run.objects.count() == 1


def test_phone_shows_the_prompt_and_the_form(workshop, run):
    phone = phone_for(workshop, "Kari")
    page = phone.get(reverse("live:phone", args=[workshop.join_code]))
    assert "Hvilke verdier?" in page.text
    assert f'id="word-{run.pk}"' in page.text
    assert "You can send 2 more." in page.text


def test_send_words_up_to_the_limit(workshop, run):
    phone = phone_for(workshop, "Kari")
    assert "You can send 1 more." in send(phone, workshop, run, "Tillit").text
    response = send(phone, workshop, run, "Åpenhet")
    assert "Thank you – all your words are sent." in response.text
    refused = send(phone, workshop, run, "Mot")
    assert "You have sent 2 words, as many as this question takes." in refused.text
    assert 'value="Mot"' in refused.text  # what was typed is still there
    assert list(run.submissions.values_list("text", flat=True)) == ["Tillit", "Åpenhet"]


def test_the_answer_to_a_word_lists_the_phones_words(workshop, run):
    phone = phone_for(workshop, "Kari")
    send(phone, workshop, run, "Tillit")
    response = send(phone, workshop, run, "Åpenhet")
    assert "Thank you – all your words are sent." in response.text
    assert "<li>Tillit</li><li>Åpenhet</li>" in response.text
    assert list(run.submissions.values_list("text", "author__display_name")) == [
        ("Tillit", "Kari"),
        ("Åpenhet", "Kari"),
    ]


def test_what_the_facilitator_changes_holds_for_the_next_word_at_once(workshop, run, alice):
    # Settings made stricter, or the cloud revealed, apply to the very next word.
    phone = phone_for(workshop, "Kari")
    send(phone, workshop, run, "Tillit")
    exercise = run.exercise
    exercise.settings = {**exercise.settings, "max_length": 5, "max_entries": 3}
    exercise.save()
    refused = send(phone, workshop, run, "Ærlighet")
    assert "Keep it to 5 characters (this has 8)." in refused.text
    assert "You can send 1 more." in send(phone, workshop, run, "Mot").text  # 3 places now
    change(run, "reveal", by=alice, expected_version=None, data={})
    last = send(phone, workshop, run, "Ro")
    assert "Thank you – all your words are sent." in last.text
    assert list(run.submissions.values_list("text", flat=True)) == ["Tillit", "Mot", "Ro"]
    # A day moved on refuses a word for the run it left, and saves nothing.
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    assert send(phone, workshop, run, "Sent").status_code == 409
    assert run.submissions.count() == 3


def test_a_phone_that_never_joined_saves_nothing(workshop, run):
    send(phone_for(workshop, "Kari"), workshop, run, "Tillit")
    stranger = Client(headers={"accept-language": "en"})
    stranger.cookies[DEVICE_COOKIE] = "a device that never joined"
    refused = send(stranger, workshop, run, "Tull")
    # To htmx the message goes to the phone's alert region; the form keeps what was typed.
    assert refused.status_code == 409
    assert refused["HX-Retarget"] == "#phone-alert"
    assert "This phone is not on the day. Join again with the code" in refused.text
    other_day = phone_for(workshop, "Ola")
    other_day.cookies[DEVICE_COOKIE] = "another device that never joined"
    assert send(other_day, workshop, run, "Tull").status_code == 409
    assert list(run.submissions.values_list("text", flat=True)) == ["Tillit"]


def test_a_word_sent_again_is_saved_once_and_listed_once(workshop, run):
    phone = phone_for(workshop, "Kari")
    token = uuid.uuid4()
    first = send(phone, workshop, run, "Tillit", token)
    again = send(phone, workshop, run, "Tillit", token)
    assert "<li>Tillit</li>" in first.text and "<li>Tillit</li>" in again.text
    assert "You can send 1 more." in again.text
    assert run.submissions.count() == 1


def test_the_answer_draws_an_empty_field_under_the_same_id_until_the_last_word(workshop, run):
    # The phone's field keeps its id across the swap, so htmx gives it the focus back (and a
    # phone keeps its keyboard) for the next word. The last word's answer closes the field.
    phone = phone_for(workshop, "Kari")
    first = send(phone, workshop, run, "Tillit <b>")
    field = re.search(rf'<input type="text" name="text" id="word-{run.pk}"[^>]*>', first.text)
    assert field and 'value=""' in field.group(0) and "disabled" not in field.group(0)
    assert "You can send 1 more." in first.text
    assert "<li>Tillit &lt;b&gt;</li>" in first.text
    last = send(phone, workshop, run, "Mot")
    assert re.search(r'<input type="text" name="text"[^>]* disabled>', last.text)
    assert "Thank you – all your words are sent." in last.text
    refused = send(phone, workshop, run, "Ærlighet")
    assert "You have sent 2 words, as many as this question takes." in refused.text


def test_the_htmx_answer_leaves_the_csrf_field_to_the_pages_header(workshop, run):
    # The phone's page carries the token in hx-headers; the answer to a word sent with htmx
    # needs no field of its own, and the next word, sent with the header only, is accepted.
    phone, page, header = phone_with_csrf_checks(workshop)
    assert 'name="csrfmiddlewaretoken"' in page  # the form works without JavaScript too
    url = reverse("live:submit", args=[workshop.join_code, run.pk])
    for word in ("Tillit", "Mot"):
        answer = phone.post(
            url, {"text": word, "token": uuid.uuid4()}, HTTP_X_CSRFTOKEN=header, **HTMX
        )
        assert answer.status_code == 200
        assert "csrfmiddlewaretoken" not in answer.text
    assert list(run.submissions.values_list("text", flat=True)) == ["Tillit", "Mot"]
    refused = phone.post(url, {"text": "Ærlighet", "token": uuid.uuid4()}, **HTMX)
    assert refused.status_code == 403  # without the header a send is refused as before


def test_a_retried_submission_is_saved_once(workshop, run):
    phone = phone_for(workshop, "Kari")
    token = uuid.uuid4()
    for _ in range(3):
        send(phone, workshop, run, "Tillit", token)
    assert Submission.objects.count() == 1


def test_too_long_and_empty_words_get_a_message(workshop, run):
    phone = phone_for(workshop, "Kari")
    assert "Keep it to 20 characters (this has 21)." in send(phone, workshop, run, "x" * 21).text
    assert "Write a word first." in send(phone, workshop, run, "   ").text
    assert not Submission.objects.exists()


def test_sending_to_an_old_run_is_refused(workshop, run, alice):
    phone = phone_for(workshop, "Kari")
    live_day.advance(workshop, +1, by=alice, expected_version=None)
    response = send(phone, workshop, run, "Tillit")
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#phone-alert"
    assert "This exercise has ended, so nothing was saved. What you typed is still here." in (
        response.text
    )
    assert not Submission.objects.exists()


def test_a_phone_without_cookie_cannot_send(client, workshop, run):
    response = client.post(reverse("live:submit", args=[workshop.join_code, run.pk]), {"text": "x"})
    assert response.status_code == 403
    assert "Join again" in response.text  # a page of its own, with the way back in


def test_cloud_is_hidden_until_revealed_and_escaped(workshop, run, alice, bob_client):
    for name, word in [("A", "Tillit"), ("B", " tillit"), ("C", "<b>mot</b>")]:
        send(phone_for(workshop, name), workshop, run, word)
    presenter = reverse("live:presenter", args=[workshop.pk])
    page = bob_client.get(presenter)
    assert "3 words from 3 people" in page.text
    # It says what will happen: the facilitator shows it (not "when everyone has answered").
    assert "The result is shown when the facilitator shows it." in page.text
    assert "cloud__word" not in page.text
    change(run, "reveal", by=alice, expected_version=0, data={})
    page = bob_client.get(presenter)
    largest = r'class="cloud__word cloud__word--6 cloud__word--bold"[^>]*>Tillit<'
    assert re.search(largest, page.text)
    assert "&lt;b&gt;mot&lt;/b&gt;" in page.text
    assert "<b>mot</b>" not in page.text


def test_facilitator_hides_and_merges(workshop, run, alice, alice_client):
    for name, word in [("A", "lojal"), ("B", "lojalitet"), ("C", "tull")]:
        send(phone_for(workshop, name), workshop, run, word)
    url = reverse("live:act", args=[run.pk, "hide"])
    response = alice_client.post(url, {"version": 0, "key": "tull"}, **HTMX)
    assert response.status_code == 200
    url = reverse("live:act", args=[run.pk, "merge"])
    alice_client.post(url, {"version": 1, "key": "lojalitet", "into": "lojal"}, **HTMX)
    run.refresh_from_db()
    assert run.state == {"hidden": ["tull"], "merges": {"lojalitet": "lojal"}}
    ctx = run.module.room_context(run)
    assert [(w.text, w.count) for w in ctx["words"]()] == [("lojal", 2)]
    assert list(RunEvent.objects.values_list("action", "actor")) == [
        ("hide", alice.pk),
        ("merge", alice.pk),
    ]
    stale = alice_client.post(url, {"version": 0, "key": "a", "into": "b"}, **HTMX)
    assert stale.status_code == 409
    assert "Someone else changed this exercise" in stale.text


def test_stale_change_raises(run, alice):
    with pytest.raises(StaleVersion):
        change(run, "reveal", by=alice, expected_version=5, data={})


def test_hr_cannot_act_and_outsiders_see_nothing(run, bob_client, charlie_client):
    url = reverse("live:act", args=[run.pk, "reveal"])
    assert bob_client.post(url, {"version": 0}).status_code == 403
    assert charlie_client.post(url, {"version": 0}).status_code == 404
    assert charlie_client.get(reverse("exercises:export_csv", args=[run.pk])).status_code == 404
    run.refresh_from_db()
    assert run.state == {}


def test_csv_export_guards_against_formulas(workshop, run, bob_client):
    for name, word in [("A", "Tillit"), ("B", "=SUM(A1)")]:
        send(phone_for(workshop, name), workshop, run, word)
    response = bob_client.get(reverse("exercises:export_csv", args=[run.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Word", "Count", "Hidden"]
    assert ["'=SUM(A1)", "1", ""] in rows


def test_svg_export_is_escaped(workshop, run, bob_client):
    send(phone_for(workshop, "A"), workshop, run, "<script>x</script>")
    response = bob_client.get(reverse("exercises:cloud_svg", args=[run.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<script>" not in response.content
    assert b"&lt;script&gt;x&lt;/script&gt;" in response.content


def test_a_refused_word_without_javascript_comes_back_with_its_message(workshop, run):
    phone = phone_for(workshop, "Kari")
    token = uuid.uuid4()
    too_long = "tillit" * 20
    response = phone.post(
        reverse("live:submit", args=[workshop.join_code, run.pk]),
        {"text": too_long, "token": token},
    )
    assert response.status_code == 422
    assert "Keep it to" in response.text  # the message, on the full phone page
    assert too_long in response.text  # what was typed is still in the field
    assert str(token) in response.text  # fixing and resending is the same entry
    assert not Submission.objects.filter(run=run).exists()
    fixed = phone.post(
        reverse("live:submit", args=[workshop.join_code, run.pk]),
        {"text": "tillit", "token": token},
    )
    assert fixed.status_code == 302
    assert Submission.objects.get(run=run).text == "tillit"


def test_png_export_draws_the_cloud_in_rows(workshop, run, bob_client):
    for name, word in [("A", "Tillit"), ("B", "tillit"), ("C", "Åpenhet"), ("D", "Mot")]:
        send(phone_for(workshop, name), workshop, run, word)
    response = bob_client.get(reverse("exercises:cloud_png", args=[run.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].endswith('.png"')
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.width == 1200
    # Ink where the words are, in the cloud's colour, and nothing but white at the bottom.
    ink = (8, 63, 76)
    colours = {colour for _count, colour in image.getcolors(maxcolors=100_000)}
    assert ink in colours
    bottom = image.crop((0, image.height - 30, image.width, image.height))
    assert bottom.getcolors() == [(bottom.width * bottom.height, (255, 255, 255))]


def test_png_rows_are_measured_with_the_real_font():
    words = [CloudWord(key=f"w{i}", text="samarbeid" * 3, count=1, weight=6) for i in range(3)]
    placed, width, _height = layout(words, lambda word, size: 900)
    assert [p.y for p in placed] == sorted({p.y for p in placed})  # one word per row
    wide = [CloudWord(key="x", text="x" * 200, count=1, weight=6)]
    _placed, width, _height = layout(wide, lambda word, size: 3000)
    assert width == 3000 + 30 + 2 * 40  # a word too long for a row widens the image
    # A long prompt is cut to the width instead of widening the image.
    png = cloud_png("Verdier " * 100, [CloudWord(key="s", text="samarbeid", count=1, weight=6)])
    assert Image.open(io.BytesIO(png)).width == 1200


def test_setup_page_saves_settings_and_validates(alice_client, bob_client, agenda):
    item = agenda[3]
    url = reverse("exercises:setup", args=[item.pk])
    # An item without an exercise offers the library's kinds; a kind opens its settings.
    assert "Choose an exercise for" in alice_client.get(url).text
    assert "Words per person" in alice_client.get(url + "?kind=word_cloud").text
    assert bob_client.get(url).status_code == 403
    bad = alice_client.post(url, {"kind": "word_cloud", "prompt": "", "max_entries": 0})
    assert "This field is required." in bad.text
    assert not Exercise.objects.exists()
    alice_client.post(
        url,
        {
            "kind": "word_cloud",
            "prompt": "Verdier?",
            "max_entries": 3,
            "max_length": 30,
            "minutes": 5,
            "hidden_until_reveal": "on",
        },
    )
    exercise = Exercise.objects.get()
    assert exercise.settings["prompt"] == "Verdier?"
    assert alice_client.get(url + "?kind=nonsense").status_code == 404


def test_phases_step_on_the_days_timer(workshop, run, alice, monkeypatch):
    from exercises.kinds import word_cloud
    from exercises.phases import Phase
    from workshops.models import LiveEvent, TransitionRefused

    monkeypatch.setattr(
        word_cloud,
        "phases",
        lambda settings: [Phase("i", "I", 4), Phase("g", "G", 20), Phase("p", "P", 3)],
    )
    before = workshop.version if workshop.refresh_from_db() is None else None
    with pytest.raises(TransitionRefused):
        live_day.step_phase(run, -1, by=alice, expected_version=None)
    run = live_day.step_phase(run, +1, by=alice, expected_version=0)
    workshop.refresh_from_db()
    assert run.phase == 1
    assert workshop.timer_duration.total_seconds() == 20 * 60
    assert workshop.version == before + 1
    assert LiveEvent.objects.filter(action="phase").count() == 1
    run = live_day.step_phase(run, +1, by=alice, expected_version=1)
    with pytest.raises(TransitionRefused):
        live_day.step_phase(run, +1, by=alice, expected_version=None)
    run = live_day.step_phase(run, -1, by=alice, expected_version=None)
    assert run.phase == 1

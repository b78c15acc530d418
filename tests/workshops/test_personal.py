"""The personal page between the days, the facilitators' overview, and the privacy duties.

Kari and Per are in the same network group of Seljord's programme; Ola is on another
organisation's programme. Each has written something private, marked with their name.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exercises.aggregate import cloud
from exercises.models import Exercise, Run, Submission
from live import day as live_day
from personal import services
from workshops import identity, personal
from workshops.identity import DEVICE_COOKIE
from workshops.identity import device_hash as _device_hash
from workshops.models import (
    ActionLearningAnswer,
    AgendaItem,
    Attendee,
    CheckInReminder,
    ContentDeletion,
    Participant,
    PersonalLink,
    PersonEvent,
    Programme,
    Workshop,
)

Q = ActionLearningAnswer.Question


def write(participant, question, text, *, workshop=None, shared=False):
    return personal.save_answer(participant, question, text, shared=shared, workshop=workshop)


@pytest.fixture
def kari(participant) -> Participant:
    return participant


@pytest.fixture
def per(programme, group) -> Participant:
    return Participant.objects.create(
        programme=programme, name="Per Hansen", email="per@example.no", network_group=group
    )


@pytest.fixture
def other_programme(other_org) -> Programme:
    return Programme.objects.create(organisation=other_org, title="Bø leiarprogram")


@pytest.fixture
def other_workshop(other_programme) -> Workshop:
    return Workshop.objects.create(programme=other_programme, number=1, date=dt.date(2026, 9, 1))


@pytest.fixture
def ola(other_programme) -> Participant:
    return Participant.objects.create(
        programme=other_programme, name="Ola Bø", email="ola@example.no"
    )


@pytest.fixture
def written(kari, per, ola, workshop, other_workshop) -> None:
    """Everyone's private and shared answers, each text naming its writer."""
    write(kari, Q.MARKED_BY, "KARI-PRIVATE project")
    write(kari, Q.TRIED, "KARI-PRIVATE tried", workshop=workshop)
    write(per, Q.MARKED_BY, "PER-PRIVATE project")
    write(per, Q.LEARNT, "PER-SHARED learnt", workshop=workshop, shared=True)
    write(ola, Q.MARKED_BY, "OLA-PRIVATE project")
    write(ola, Q.PEER_PROBLEM, "OLA-SHARED problem", workshop=other_workshop, shared=True)


def signed_in(participant: Participant) -> Client:
    client = Client(headers={"accept-language": "en"})
    token = personal.create_link(participant)
    response = client.post(reverse("personal:personal_link"), {"token": token})
    assert response.status_code == 302
    return client


def word_cloud_run(workshop: Workshop) -> Run:
    item = AgendaItem.objects.create(
        workshop=workshop, position=9, kind="exercise", title="Ordsky", duration_minutes=10
    )
    exercise = Exercise.objects.create(agenda_item=item, kind="word_cloud")
    return Run.objects.create(exercise=exercise, workshop=workshop)


def attend(workshop: Workshop, participant: Participant | None, device: str) -> Attendee:
    name = participant.name if participant else device
    return identity.join(workshop, _device_hash(device), participant, name)


def submit(run: Run, attendee: Attendee, text: str) -> Submission:
    return Submission.objects.create(
        run=run, author=attendee, key="word", text=text, token=uuid.uuid4()
    )


# Magic links


def test_known_and_unknown_email_get_the_same_answer(
    client, kari, django_capture_on_commit_callbacks
):
    url = reverse("personal:personal_request_link")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "KARI@example.no"})
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(url, {"email": "nobody@example.no"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kari@example.no"]
    page = client.get(known["Location"])
    assert "If this address is on the list of participants" in page.text
    token = mail.outbox[0].body.split("/me/open/#")[1].split()[0]
    assert client.post(reverse("personal:personal_link"), {"token": token}).status_code == 302


def test_link_requests_per_address_are_capped_without_telling(
    client, kari, django_capture_on_commit_callbacks
):
    url = reverse("personal:personal_request_link")
    for _ in range(7):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"email": "kari@example.no"})
        assert response.status_code == 302
    assert len(mail.outbox) == 5


def test_a_malformed_address_is_told_so(client):
    response = client.post(reverse("personal:personal_request_link"), {"email": "kari"})
    assert response.status_code == 400
    assert "valid email address" in response.text


def test_a_valid_link_opens_the_page_once_after_a_click(client, kari, written):
    token = personal.create_link(kari)
    url = reverse("personal:personal_link")
    # The token travels in the link's fragment, which no browser sends: opening the page (as
    # a mail scanner would) does not spend it, and the page holds no token of its own.
    assert personal.link_url(token).endswith(f"{url}#{token}")
    assert token not in client.get(url).text
    response = client.post(url, {"token": token})
    assert response["Location"] == reverse("personal:personal_page")
    page = client.get(reverse("personal:personal_page"))
    assert page.status_code == 200
    assert "KARI-PRIVATE project" in page.text
    assert client.post(url, {"token": token}).status_code == 410


def test_an_expired_link_is_refused_and_a_new_one_can_be_asked_for(client, kari):
    token = personal.create_link(kari, now=timezone.now() - personal.LINK_LIFETIME)
    url = reverse("personal:personal_link")
    response = client.post(url, {"token": token})
    assert response.status_code == 410
    assert "Send me a new link" in response.text
    assert client.get(reverse("personal:personal_page"))["Location"] == reverse(
        "personal:personal_start"
    )
    fresh = personal.create_link(kari)
    assert client.post(url, {"token": fresh}).status_code == 302


def test_a_used_link_does_not_work_again_after_signing_out(client, kari):
    token = personal.create_link(kari)
    url = reverse("personal:personal_link")
    client.post(url, {"token": token})
    assert client.post(reverse("personal:personal_logout")).status_code == 302
    assert client.get(reverse("personal:personal_page")).status_code == 302
    assert client.post(url, {"token": token}).status_code == 410
    assert client.get(reverse("personal:personal_page")).status_code == 302


def test_another_persons_link_opens_only_their_page(client, kari, per, written):
    client = signed_in(kari)
    client.post(reverse("personal:personal_link"), {"token": personal.create_link(per)})
    page = client.get(reverse("personal:personal_page")).text
    assert "PER-PRIVATE project" in page
    assert "KARI-PRIVATE" not in page


def test_a_made_up_link_opens_nothing(client, kari):
    personal.create_link(kari)
    response = client.post(reverse("personal:personal_link"), {"token": "not-a-token"})
    assert response.status_code == 410
    assert PersonalLink.objects.filter(used_at__isnull=False).count() == 0


def test_the_personal_code_opens_the_page_and_a_wrong_one_does_not(client, kari):
    code = personal.personal_code(kari)
    wrong = client.post(reverse("personal:personal_code_login"), {"code": "AAAAA-AAAAA"})
    assert wrong.status_code == 400
    assert "does not open a page" in wrong.text
    right = client.post(reverse("personal:personal_code_login"), {"code": code.lower()})
    assert right["Location"] == reverse("personal:personal_page")
    assert kari.name in client.get(right["Location"]).text


def test_guessing_codes_is_capped(client, kari, settings):
    for _ in range(settings.JOIN_WRONG_CODES_FREE + 1):
        client.post(reverse("personal:personal_code_login"), {"code": "AAAAA-AAAAA"})
    blocked = client.post(
        reverse("personal:personal_code_login"), {"code": personal.personal_code(kari)}
    )
    assert blocked.status_code == 429


def test_a_picked_name_opens_nothing_until_the_phone_shows_it_is_the_person(
    client, kari, workshop, written
):
    live_day.start(workshop, by=None)
    attend(workshop, kari, "kari-phone")
    client.cookies[DEVICE_COOKIE] = "kari-phone"
    phone = client.get(reverse("live:phone", args=[workshop.join_code]))
    assert personal.personal_code(kari) not in phone.text
    assert reverse("live:phone_prove", args=[workshop.join_code]) in phone.text
    assert client.get(reverse("personal:personal_page")).status_code == 302
    # With her code the phone shows it is Kari: now it shows the code and opens her page.
    proved = client.post(
        reverse("live:phone_prove", args=[workshop.join_code]),
        {"action": "code", "code": personal.personal_code(kari)},
    )
    assert proved.status_code == 302
    phone = client.get(reverse("live:phone", args=[workshop.join_code]))
    assert personal.personal_code(kari) in phone.text
    assert "KARI-PRIVATE project" in client.get(reverse("personal:personal_page")).text
    client.post(reverse("personal:personal_logout"))
    assert client.get(reverse("personal:personal_page")).status_code == 302


def test_a_phone_that_joined_under_a_typed_name_opens_no_page(client, workshop):
    live_day.start(workshop, by=None)
    attend(workshop, None, "guest-phone")
    client.cookies[DEVICE_COOKIE] = "guest-phone"
    assert client.get(reverse("personal:personal_page")).status_code == 302


# Nobody reads another person's private content

PERSONAL_GETS = [
    ("personal_page", {}),
    ("personal_start", {}),
    ("personal_group", {}),
    ("personal_export", {"fmt": "json"}),
    ("personal_export", {"fmt": "html"}),
    ("personal_erase", {}),
    ("personal_day", {"pk": "own"}),
    ("personal_day", {"pk": "other"}),
]


def _kwargs(kwargs: dict, own: Workshop, other: Workshop) -> dict:
    if kwargs.get("pk") == "own":
        return {"pk": own.pk}
    if kwargs.get("pk") == "other":
        return {"pk": other.pk}
    return kwargs


# What each visitor must never see: Kari sees what Per shared with their group, no more.
FORBIDDEN = {
    "kari": ["PER-PRIVATE", "OLA-"],
    "ola": ["KARI-", "PER-"],
    "anonymous": ["KARI-", "PER-", "OLA-"],
}


@pytest.mark.parametrize(("name", "kwargs"), PERSONAL_GETS, ids=lambda v: str(v))
@pytest.mark.parametrize("who", list(FORBIDDEN))
def test_nobody_reads_anothers_private_content(
    request, written, workshop, other_workshop, who, name, kwargs
):
    own, other = (other_workshop, workshop) if who == "ola" else (workshop, other_workshop)
    if who == "anonymous":
        client = Client(headers={"accept-language": "en"})
    else:
        client = signed_in(request.getfixturevalue(who))
    response = client.get(reverse(f"personal:{name}", kwargs=_kwargs(kwargs, own, other)))
    for marker in FORBIDDEN[who]:
        assert marker not in response.content.decode()
    if who == "anonymous":
        assert response.status_code == (200 if name == "personal_start" else 302)
    elif kwargs.get("pk") == "other":
        assert response.status_code == 404


def test_the_group_page_shows_members_and_only_what_they_shared(written, kari):
    page = signed_in(kari).get(reverse("personal:personal_group")).text
    assert "Per Hansen" in page
    assert "PER-SHARED learnt" in page
    assert "PER-PRIVATE" not in page
    assert "Ola" not in page


@pytest.mark.parametrize("target", ["other_workshop", "nonsense"])
def test_nobody_writes_into_another_programmes_day(request, kari, target):
    workshop_id = request.getfixturevalue(target).pk if target != "nonsense" else 999999
    response = signed_in(kari).post(
        reverse("personal:personal_answer"),
        {"question": Q.TRIED, "workshop": workshop_id, "text": "x", "token": uuid.uuid4()},
    )
    assert response.status_code == 404
    assert not ActionLearningAnswer.objects.exists()


def test_answers_need_a_session(client, kari):
    response = client.post(
        reverse("personal:personal_answer"), {"question": Q.MARKED_BY, "text": "x"}
    )
    assert response.status_code == 302
    assert not ActionLearningAnswer.objects.exists()


# Writing


def test_an_answer_is_saved_private_once_and_escaped(kari):
    client = signed_in(kari)
    token = str(uuid.uuid4())
    data = {"question": Q.MARKED_BY, "text": "<script>alert(1)</script> Tillit", "token": token}
    first = client.post(reverse("personal:personal_answer"), data, headers={"HX-Request": "true"})
    assert first.status_code == 200
    assert "Saved. Only you can see it." in first.text
    # The same request again (a retry over a flaky network) after a later edit changes nothing.
    client.post(
        reverse("personal:personal_answer"),
        {**data, "text": "Newer", "token": str(uuid.uuid4())},
        headers={"HX-Request": "true"},
    )
    client.post(reverse("personal:personal_answer"), data, headers={"HX-Request": "true"})
    answer = ActionLearningAnswer.objects.get()
    assert answer.text == "Newer"
    assert answer.shared is False
    page = client.get(reverse("personal:personal_page")).text
    assert "<script>alert(1)</script>" not in page


def test_sharing_is_an_explicit_choice(kari, workshop):
    client = signed_in(kari)
    client.post(
        reverse("personal:personal_answer"),
        {"question": Q.PEER_PROBLEM, "workshop": workshop.pk, "text": "Tid", "shared": "on"},
    )
    assert ActionLearningAnswer.objects.get().shared is True


def test_a_too_long_answer_is_refused_with_a_clear_message_and_kept_on_screen(kari):
    text = "a" * (ActionLearningAnswer.MAX_LENGTH + 1)
    response = signed_in(kari).post(
        reverse("personal:personal_answer"),
        {"question": Q.MARKED_BY, "text": text},
        headers={"HX-Request": "true"},
    )
    assert "The answer is 4001 characters long. Keep it to 4000" in response.text
    assert text in response.text
    assert not ActionLearningAnswer.objects.exists()


def test_the_day_page_shows_the_check_in_and_the_assignment(kari, workshop):
    workshop.between_work = "Gi tre konkrete tilbakemeldinger"
    workshop.save()
    page = signed_in(kari).get(reverse("personal:personal_day", args=[workshop.pk])).text
    assert "Gi tre konkrete tilbakemeldinger" in page
    assert "What have you tried since last time?" in page
    assert "Your answer to the assignment" in page


def test_no_participant_text_in_the_logs(caplog, kari, workshop):
    caplog.set_level(logging.DEBUG)
    client = signed_in(kari)
    client.post(
        reverse("personal:personal_answer"), {"question": Q.MARKED_BY, "text": "SECRET-TEXT"}
    )
    client.get(reverse("personal:personal_export", args=["json"]))
    services.erase(kari, reason=ContentDeletion.Reason.PARTICIPANT)
    assert "SECRET-TEXT" not in caplog.text
    assert "SECRET-TEXT" not in json.dumps(list(ContentDeletion.objects.values("counts")))


# Facilitators and HR


def test_progress_shows_names_and_counts_never_content(alice_client, written, workshop):
    page = alice_client.get(
        reverse("personal:programme_progress", args=[workshop.programme_id])
    ).text
    assert "2 of 2 have started." in page
    assert "2 of 2 have checked in." in page
    assert "Kari Nordmann" in page
    for marker in ["KARI-", "PER-", "OLA-"]:
        assert marker not in page


def test_reminders_go_once_to_those_who_have_not_checked_in(
    alice_client, kari, per, workshop, django_capture_on_commit_callbacks
):
    write(kari, Q.TRIED, "Ting", workshop=workshop)
    url = reverse("personal:workshop_remind", args=[workshop.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert alice_client.post(url).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(url)
    assert [m.to for m in mail.outbox] == [["per@example.no"]]
    assert "/me/open/#" in mail.outbox[0].body
    assert CheckInReminder.objects.count() == 1


def test_the_daily_command_reminds_for_days_two_days_away(
    kari, workshop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_checkin_reminders", "--today", "2026-11-23")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_checkin_reminders", "--today", "2026-11-24")
    assert [m.to for m in mail.outbox] == [["kari@example.no"]]


def test_the_ended_day_on_the_phone_offers_the_check_in(client, kari, workshop):
    live_day.start(workshop, by=None)
    attend(workshop, kari, "kari-phone")
    live_day.end(workshop, by=None, expected_version=workshop.version)
    client.cookies[DEVICE_COOKIE] = "kari-phone"
    phone = client.get(reverse("live:phone", args=[workshop.join_code])).text
    assert reverse("personal:personal_day", args=[workshop.pk]) in phone


# Retention


@pytest.fixture
def full_programme(kari, per, workshop, written):
    """Kari's programme, its last day on 26 November, with exercise entries and attendees."""
    workshop.programme.retention_days = 10
    workshop.programme.save()
    live_day.start(workshop, by=None)
    run = word_cloud_run(workshop)
    submit(run, attend(workshop, kari, "kari-phone"), "Tillit")
    submit(run, attend(workshop, per, "per-phone"), "Tillit")
    submit(run, attend(workshop, per, "per-phone"), "Mot")
    submit(run, attend(workshop, None, "guest-phone"), "Mot")
    return run


def content_counts(programme: Programme) -> tuple[int, int, int]:
    """What of people the programme holds: submissions with an author or a text (the rows
    retention leaves for the results have neither), check-ins and answers, attendances."""
    return (
        Submission.objects.filter(run__workshop__programme=programme)
        .exclude(author=None, text="")
        .count(),
        ActionLearningAnswer.objects.filter(participant__programme=programme).count(),
        Attendee.objects.filter(workshop__programme=programme).count(),
    )


def test_retention_deletes_exactly_the_expired_programmes_content(
    full_programme, workshop, other_programme, ola
):
    programme = workshop.programme
    deadline = dt.date(2026, 11, 26) + dt.timedelta(days=10)
    assert programme.deletion_date() == deadline
    others_before = content_counts(other_programme)
    assert services.purge_expired(deadline - dt.timedelta(days=1)) == []
    assert content_counts(programme) == (4, 4, 3)
    assert services.purge_expired(deadline + dt.timedelta(days=1)) == [programme.pk]
    assert content_counts(programme) == (0, 0, 0)
    assert content_counts(other_programme) == others_before
    assert Participant.objects.filter(programme=programme).count() == 2
    assert Run.objects.filter(pk=full_programme.pk).exists()
    assert ContentDeletion.objects.get().counts["submissions"] == 4
    # Nothing left to delete: running again does nothing.
    assert services.purge_expired(deadline + dt.timedelta(days=2)) == []


def test_retention_runs_from_the_command_and_the_task(full_programme, workshop):
    from personal.tasks import purge_expired_content

    call_command("purge_expired_content", "--today", "2026-12-05")
    assert content_counts(workshop.programme) == (4, 4, 3)
    call_command("purge_expired_content", "--today", "2026-12-06")
    assert content_counts(workshop.programme) == (0, 0, 0)
    assert purge_expired_content.delay().get() == []


def test_facilitators_are_warned_within_thirty_days(alice_client, workshop):
    programme = workshop.programme
    url = reverse("workshops:programme_detail", args=[programme.pk])
    programme.retention_days = (timezone.localdate() - workshop.date).days + 20
    programme.save()
    assert (
        "everything participants wrote in this programme is deleted" in alice_client.get(url).text
    )
    programme.retention_days += 30
    programme.save()
    assert "everything participants wrote" not in alice_client.get(url).text


# Access and erasure


def test_export_holds_everything_the_person_wrote_and_nothing_else(full_programme, kari):
    for client, url in [
        (signed_in(kari), reverse("personal:personal_export", args=["json"])),
    ]:
        data = json.loads(client.get(url).content)
        texts = [a["text"] for a in data["action_learning"]]
        assert sorted(texts) == ["KARI-PRIVATE project", "KARI-PRIVATE tried"]
        assert [s["text"] for s in data["exercise_answers"]] == ["Tillit"]
        assert [d["day"] for d in data["days_joined"]] == [2]
        assert data["participant"]["email"] == "kari@example.no"
        dumped = json.dumps(data)
        for marker in ["PER-", "OLA-", "Mot", "Per Hansen"]:
            assert marker not in dumped


def test_the_readable_export_is_escaped(kari):
    write(kari, Q.MARKED_BY, "<b>fet</b> & tillit")
    page = signed_in(kari).get(reverse("personal:personal_export", args=["html"])).text
    assert "&lt;b&gt;fet&lt;/b&gt; &amp; tillit" in page
    assert "<b>fet</b>" not in page


def test_the_page_lists_what_the_person_sent_on_the_days(full_programme, kari, per):
    page = signed_in(kari).get(reverse("personal:personal_page")).text
    assert "Ordsky" in page
    assert "Tillit" in page
    assert "Mot" not in page


def _day_sections(page: str) -> list[str]:
    """The page's day sections in order, each as its opening tag and content."""
    return [
        part.split("</details>")[0] for part in page.split('<details class="card day-section')[1:]
    ]


def test_the_page_is_grouped_by_day_the_current_one_first_and_open(
    kari, workshop, programme, monkeypatch
):
    """Between day 2 (held) and day 3 (to come): day 2 is first and open, then day 3 and then
    day 1, both folded. Each day holds its own check-in state, assignment and what was sent."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: workshop.date + dt.timedelta(days=3))
    first = Workshop.objects.create(
        programme=programme, number=1, date=workshop.date - dt.timedelta(days=40)
    )
    third = Workshop.objects.create(
        programme=programme, number=3, date=workshop.date + dt.timedelta(days=40)
    )
    workshop.between_work = "Gi tre konkrete tilbakemeldinger"
    workshop.save()
    write(kari, Q.TRIED, "Ros i morgenmøtet", workshop=first)
    submit(word_cloud_run(workshop), attend(workshop, kari, "kari-phone"), "Tillit")
    page = signed_in(kari).get(reverse("personal:personal_page")).text
    days = _day_sections(page)
    assert all(f'id="day-{w.pk}"' in d for w, d in zip([workshop, third, first], days, strict=True))
    assert [" open>" in d.split("\n")[0] for d in days] == [True, False, False]
    assert "Gi tre konkrete tilbakemeldinger" in days[0] and "Tillit" in days[0]
    assert "Not checked in yet" in days[0] and "Write your check-in" in days[0]
    assert "Coming up" in days[1] and "Tillit" not in days[1]
    assert "Checked in" in days[2] and "See and change your check-in" in days[2]
    assert "Nothing under your name" in days[2]


def test_a_live_day_is_the_current_one(kari, workshop, programme, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: workshop.date - dt.timedelta(days=1))
    later = Workshop.objects.create(
        programme=programme, number=3, date=workshop.date + dt.timedelta(days=40)
    )
    Workshop.objects.filter(pk=later.pk).update(status=Workshop.Status.LIVE)
    days = _day_sections(signed_in(kari).get(reverse("personal:personal_page")).text)
    assert f'id="day-{later.pk}"' in days[0] and " open>" in days[0].split("\n")[0]
    assert f'id="day-{workshop.pk}"' in days[1]


def test_one_save_model_press_save_and_see_it_saved(kari, workshop):
    """Answers are saved by Save, never while typing: the form has no change trigger, the page
    never says "as you write", and the answer comes back saying it is saved."""
    client = signed_in(kari)
    for url in (
        reverse("personal:personal_page"),
        reverse("personal:personal_day", args=[workshop.pk]),
    ):
        page = client.get(url).text
        assert 'hx-trigger="submit, change' not in page and "as you write" not in page
        assert "Press Save under each answer." in page
    response = client.post(
        reverse("personal:personal_answer"),
        {"question": Q.TRIED, "workshop": workshop.pk, "text": "Ros", "shared": "on"},
        headers={"HX-Request": "true"},
    )
    assert "✓ Saved and shared with your network group" in response.text
    assert 'class="answer__status answer__status--saved" role="status"' in response.text
    # Opened again later, the answer says what it is, without the fresh ✓.
    page = client.get(reverse("personal:personal_day", args=[workshop.pk])).text
    assert "Saved, shared with your network group" in page and "✓" not in page


def test_the_project_folds_away_once_something_is_written(kari):
    client = signed_in(kari)
    page = client.get(reverse("personal:personal_page")).text
    assert '<details class="card project" id="project" open>' in page
    assert "0 of 5 answered" in page
    write(kari, Q.MARKED_BY, "Tillit")
    page = client.get(reverse("personal:personal_page")).text
    assert '<details class="card project" id="project">' in page
    assert "1 of 5 answered" in page


def test_a_copy_asked_for_by_a_facilitator_goes_to_the_person_not_to_them(
    alice_client, bob_client, full_programme, kari
):
    url = reverse("personal:participant_access_copy", args=[kari.pk])
    assert bob_client.post(url).status_code == 403
    response = alice_client.post(url, follow=True)
    assert "KARI-PRIVATE" not in response.text
    assert "on its way to the e-mail address of Kari Nordmann" in response.text
    assert "Sent " in response.text  # the facilitator sees that it was sent
    assert [m.to for m in mail.outbox] == [["kari@example.no"]]
    assert "KARI-PRIVATE" not in mail.outbox[0].body
    # The link in the mail opens her page, where both copies hold all she wrote.
    token = mail.outbox[0].body.split("/me/open/#")[1].split()[0]
    client = Client(headers={"accept-language": "en"})
    client.post(reverse("personal:personal_link"), {"token": token})
    assert "You asked for a copy of your data" in client.get(reverse("personal:personal_page")).text
    data = json.loads(client.get(reverse("personal:personal_export", args=["json"])).content)
    html = client.get(reverse("personal:personal_export", args=["html"])).text
    texts = {a["text"] for a in data["action_learning"]} | {
        e["text"] for e in data["exercise_answers"]
    }
    assert {"KARI-PRIVATE project", "KARI-PRIVATE tried", "Tillit"} <= texts
    for text in texts:
        assert text in html
    assert PersonEvent.objects.filter(participant=kari, action="access_copy").count() == 1


def test_erasure_removes_the_rows_and_keeps_the_aggregates_right(full_programme, kari, per):
    client = signed_in(kari)
    page = client.get(reverse("personal:personal_erase")).text
    # Said before the button: what a secretary typed for the group stays with the group.
    assert "stays with the group, without your name" in page
    assert client.post(reverse("personal:personal_erase"))["Location"] == reverse(
        "personal:personal_start"
    )
    assert not ActionLearningAnswer.objects.filter(participant=kari).exists()
    assert not Attendee.objects.filter(participant=kari).exists()
    assert not Submission.objects.filter(author__participant=kari).exists()
    assert Participant.objects.filter(pk=kari.pk).exists()
    remaining = full_programme.submissions.values_list("text", flat=True)
    assert {w.text: w.count for w in cloud(remaining)} == {"Mot": 2, "Tillit": 1}
    # Her word leaves the room's cloud too; how many words were sent stays.
    room = Run.objects.get(pk=full_programme.pk)
    context = room.module.room_context(room)
    assert {w.text: w.count for w in context["words"]()} == {"Mot": 2, "Tillit": 1}
    assert context["entry_count"]() == 4
    assert ActionLearningAnswer.objects.filter(participant=per).count() == 2
    assert client.get(reverse("personal:personal_page")).status_code == 302
    assert ContentDeletion.objects.get().reason == ContentDeletion.Reason.PARTICIPANT


def test_a_facilitator_erases_for_a_person_on_request(alice_client, full_programme, kari, alice):
    response = alice_client.post(reverse("personal:participant_erase", args=[kari.pk]))
    assert response.status_code == 302
    assert not ActionLearningAnswer.objects.filter(participant=kari).exists()
    # The others' words stay; hers is left with no author and no text.
    assert Submission.objects.filter(run=full_programme).exclude(author=None, text="").count() == 3
    deletion = ContentDeletion.objects.get()
    assert (deletion.actor, deletion.reason) == (alice, ContentDeletion.Reason.FACILITATOR)


def test_privacy_notice_on_join_and_personal_pages(client, kari, workshop):
    join = client.get(reverse("live:join")).text
    assert "Who is responsible" in join
    live_day.start(workshop, by=None)
    join_day = client.get(reverse("live:join_day", args=[workshop.join_code])).text
    assert "Seljord kommune runs this programme and is responsible for your data." in join_day
    page = signed_in(kari).get(reverse("personal:personal_page")).text
    assert "deleted 365 days after the programme's last day" in page


# The person's own survey answers over the programme

LISTEN, HONEST = "Jeg lytter for å forstå.", "Jeg gir ærlige tilbakemeldinger."


def survey_run(workshop: Workshop, title: str, *, anonymous: bool = False) -> Run:
    item = AgendaItem.objects.create(
        workshop=workshop, position=20, kind="exercise", title=title, duration_minutes=10
    )
    settings = {
        "template": "blank",
        "loaded": "blank",
        "statements": f"## Relasjon\n{LISTEN}\n{HONEST}",
        "questions": "Hva er din styrke?",
        "anonymous": anonymous,
    }
    exercise = Exercise.objects.create(agenda_item=item, kind="survey", settings=settings)
    return Run.objects.create(exercise=exercise, workshop=workshop)


def answer_survey(run: Run, participant, scores: dict, written: str = "") -> None:
    attendee = attend(run.workshop, participant, f"{participant.name}-phone")
    Submission.objects.create(
        run=run,
        author=None if run.exercise.settings.get("anonymous") else attendee,
        key="answers",
        text="",
        token=uuid.uuid4(),
        data={
            "scores": [[text, score] for text, score in scores.items()],
            "answers": [["Hva er din styrke?", written]],
        },
    )


@pytest.fixture
def three_days(programme, workshop) -> list[Workshop]:
    first = Workshop.objects.create(programme=programme, number=1, date=dt.date(2026, 10, 15))
    third = Workshop.objects.create(programme=programme, number=3, date=dt.date(2027, 1, 21))
    return [first, workshop, third]


def test_the_page_shows_own_survey_answers_per_day_and_the_change_since_the_first_time(
    kari, per, three_days
):
    first, second, third = three_days
    answer_survey(survey_run(first, "Egenvurdering"), kari, {LISTEN: 2}, "KARI-SURVEY lytter")
    answer_survey(survey_run(first, "Egenvurdering"), per, {LISTEN: 5, HONEST: 5}, "PER-SURVEY")
    answer_survey(survey_run(second, "Egenvurdering igjen"), kari, {LISTEN: 4, HONEST: 3})
    answer_survey(survey_run(third, "Egenvurdering til slutt"), kari, {LISTEN: 3, HONEST: 3})
    answer_survey(survey_run(third, "Dagen", anonymous=True), kari, {LISTEN: 1}, "KARI-ANONYMOUS")

    page = signed_in(kari).get(reverse("personal:personal_page")).text
    mine = page.split('id="surveys-heading"')[1].split("</section>")[0]
    days = mine.split("<details")[1:]
    assert [("Egenvurdering" in d, "igjen" in d, "til slutt" in d) for d in days] == [
        (True, False, False),
        (True, True, False),
        (True, False, True),
    ]
    assert "KARI-SURVEY lytter" in days[0] and "since the first time" not in days[0]
    # Day 2 compares with day 1; a statement first answered on day 2 has nothing to compare.
    assert "up 2 since the first time (2)" in days[1]
    assert days[1].count("since the first time") == 1
    # Day 3 still compares with the first time, not with day 2.
    assert "up 1 since the first time (2)" in days[2]
    assert "the same as the first time" in days[2]  # HONEST: 3 on day 2 and day 3
    assert " open" in days[2].split(">")[0]  # the latest is open
    for marker in ("PER-SURVEY", "KARI-ANONYMOUS"):
        assert marker not in page


def test_survey_history_changes_since_the_first_time_and_the_phone_since_last_time(
    kari, three_days
):
    from exercises.kinds import survey

    first, second, third = three_days
    for day, score in zip(three_days, (2, 5, 4), strict=True):
        answer_survey(survey_run(day, f"Dag {day.number}"), kari, {LISTEN: score})
    history = survey.history(kari)
    assert [entry["workshop"] for entry in history] == [first, second, third]
    last = history[-1]["sections"][0]["items"][0]
    assert (last["score"], last["change"].previous, last["change"].delta) == (4, 2, 2)
    # The phone on day 3 says what changed since day 2 (the same helper, since last time).
    run = Run.objects.get(workshop=third)
    phone = run.module.phone_context(run, Attendee.objects.get(workshop=third, participant=kari))
    row = phone["mine"][0]["items"][0]
    assert (row["change"].previous, row["change"].delta) == (5, -1)


def test_nobody_sees_anothers_survey_answers_on_their_page(kari, per, workshop):
    answer_survey(survey_run(workshop, "Egenvurdering"), per, {LISTEN: 5}, "PER-SURVEY")
    page = signed_in(kari).get(reverse("personal:personal_page")).text
    assert "PER-SURVEY" not in page
    assert "No survey answers yet." in page

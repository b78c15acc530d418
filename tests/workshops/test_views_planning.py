from __future__ import annotations

import uuid

from django.urls import reverse

from workshops.models import Programme, Workshop


def test_create_programme(alice_client, seljord):
    token = uuid.uuid4()
    data = {"organisation": seljord.pk, "title": "Lederprogram 2027", "token": token}
    response = alice_client.post(reverse("workshops:programme_create"), data)
    programme = Programme.objects.get(title="Lederprogram 2027")
    assert response["Location"] == programme.get_absolute_url()
    # The same submit again (a double click or a retry) leads to the same programme.
    again = alice_client.post(reverse("workshops:programme_create"), data)
    assert again["Location"] == programme.get_absolute_url()
    assert Programme.objects.filter(title="Lederprogram 2027").count() == 1


def test_create_programme_requires_a_title(alice_client, seljord):
    response = alice_client.post(
        reverse("workshops:programme_create"), {"organisation": seljord.pk, "title": ""}
    )
    assert "This field is required." in response.text
    assert not Programme.objects.exists()


def test_cannot_create_a_programme_in_another_organisation(charlie_client, seljord):
    response = charlie_client.post(
        reverse("workshops:programme_create"), {"organisation": seljord.pk, "title": "Kuppet"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Programme.objects.filter(organisation=seljord).exists()


def test_hr_cannot_create_programmes(bob_client):
    response = bob_client.get(reverse("workshops:programme_create"), follow=True)
    assert "Only facilitators can create programmes." in response.text


def test_create_day_suggests_the_next_number(alice_client, programme, workshop):
    page = alice_client.get(reverse("workshops:workshop_create", args=[programme.pk]))
    assert 'name="number" value="3"' in page.text


def test_create_day(alice_client, programme):
    response = alice_client.post(
        reverse("workshops:workshop_create", args=[programme.pk]),
        {
            "number": 1,
            "date": "2026-10-15",
            "start_time": "08:30",
            "end_time": "15:00",
            "venue": "Kulturhuset",
            "theme": "Oppstart",
            "between_work": "Start prosjektet",
        },
    )
    workshop = Workshop.objects.get(programme=programme, number=1)
    assert response["Location"] == workshop.get_absolute_url()
    assert workshop.venue == "Kulturhuset"


def test_day_number_must_be_unique_and_end_after_start(alice_client, programme, workshop):
    response = alice_client.post(
        reverse("workshops:workshop_create", args=[programme.pk]),
        {"number": 2, "date": "2026-10-15", "start_time": "15:00", "end_time": "08:30"},
    )
    assert "The programme already has a day number 2." in response.text
    assert "The planned end must be after the start time." in response.text
    assert Workshop.objects.count() == 1


def test_day_date_must_be_a_date(alice_client, programme):
    response = alice_client.post(
        reverse("workshops:workshop_create", args=[programme.pk]),
        {"number": 1, "date": "i morgen", "start_time": "08:30"},
    )
    assert "Enter a valid date." in response.text


def test_edit_and_delete_day(alice_client, workshop, agenda):
    url = reverse("workshops:workshop_edit", args=[workshop.pk])
    alice_client.post(
        url,
        {"number": 2, "date": "2026-11-27", "start_time": "09:00", "end_time": "15:00"},
    )
    workshop.refresh_from_db()
    assert str(workshop.date) == "2026-11-27"
    page = alice_client.get(workshop.get_absolute_url())
    assert "09:00–09:30" in page.text
    alice_client.post(reverse("workshops:workshop_delete", args=[workshop.pk]))
    assert not Workshop.objects.exists()


def test_roster_add_and_duplicate(alice_client, programme, participant):
    url = reverse("workshops:roster", args=[programme.pk])
    response = alice_client.post(url, {"name": "  kari   nordmann "}, HTTP_HX_REQUEST="true")
    assert "Kari Nordmann is already on the roster." not in response.text
    assert "kari nordmann is already on the roster." in response.text
    response = alice_client.post(url, {"name": "Per", "email": "KARI@example.no"})
    assert "Someone on the roster already has this email address." in response.text
    response = alice_client.post(url, {"name": "Per Hansen", "email": "per@example.no"})
    assert response.status_code == 302
    assert programme.participants.count() == 2


def test_roster_email_must_be_valid(alice_client, programme):
    response = alice_client.post(
        reverse("workshops:roster", args=[programme.pk]), {"name": "Per", "email": "per@"}
    )
    assert "Enter a valid email address." in response.text
    assert not programme.participants.exists()


def test_set_group_only_to_a_group_of_the_programme(alice_client, participant, other_org):
    other = Programme.objects.create(organisation=other_org, title="Annet")
    foreign = other.groups.create(name="Fremmed")
    url = reverse("workshops:participant_set_group", args=[participant.pk])
    assert alice_client.post(url, {"network_group": foreign.pk}).status_code == 400
    response = alice_client.post(url, {"network_group": ""}, HTTP_HX_REQUEST="true")
    assert response.text == "Kari Nordmann has no group now."
    participant.refresh_from_db()
    assert participant.network_group is None


def test_groups_page_and_rename(alice_client, programme, group, participant):
    page = alice_client.get(reverse("workshops:groups", args=[programme.pk]))
    assert "Kari Nordmann" in page.text
    response = alice_client.post(
        reverse("workshops:groups", args=[programme.pk]), {"name": "nettverksgruppe 1"}
    )
    assert "There is already a group called nettverksgruppe 1." in response.text
    alice_client.post(reverse("workshops:group_edit", args=[group.pk]), {"name": "Fjellgruppa"})
    group.refresh_from_db()
    assert group.name == "Fjellgruppa"


def test_fill_groups_view_validates(alice_client, programme):
    response = alice_client.post(
        reverse("workshops:groups_fill", args=[programme.pk]), {"count": 0}
    )
    assert "Ensure this value is greater than or equal to 1." in response.text

"""The pages of copies and templates, as a facilitator uses them (see test_access.py for who
may open which)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from exercises.models import Exercise
from library import builtin
from library.models import PlanTemplate
from workshops.models import AgendaItem, Programme, Workshop


@pytest.fixture
def day(workshop, agenda) -> Workshop:
    agenda[3].facilitator_notes = "Del ut sjekklisten."
    agenda[3].save()
    Exercise.objects.create(agenda_item=agenda[3], kind="feedback_triads", settings={})
    return workshop


def test_copy_day_says_what_comes_along_before_it_copies(alice_client, day):
    page = alice_client.get(reverse("library:day_copy", args=[day.pk]))
    assert page.status_code == 200
    assert "Comes along" in page.text and "Stays behind" in page.text
    assert "Everything participants sent, the results, and who came" in page.text
    assert 'name="token"' in page.text
    assert Workshop.objects.count() == 1


def test_copy_day_makes_one_copy_however_often_it_is_sent(alice_client, day, programme):
    url = reverse("library:day_copy", args=[day.pk])
    data = {"programme": programme.pk, "date": "2027-03-04", "token": str(uuid.uuid4())}
    first = alice_client.post(url, data)
    second = alice_client.post(url, data)
    copy = Workshop.objects.get(number=3)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == copy.get_absolute_url()
    assert programme.workshops.count() == 2
    assert copy.agenda_items.get(title="Tilbakemeldinger i trioer").facilitator_notes == (
        "Del ut sjekklisten."
    )
    page = alice_client.get(first["Location"])
    assert "The copy is Day 3 of" in page.text


def test_a_copy_into_another_organisations_programme_is_404(alice_client, day, other_org, charlie):
    theirs = Programme.objects.create(organisation=other_org, title="Bø", created_by=charlie)
    url = reverse("library:day_copy", args=[day.pk])
    response = alice_client.post(url, {"programme": theirs.pk, "date": "2027-03-04"})
    assert response.status_code == 404
    assert not theirs.workshops.exists()
    # Even for someone who is a member of both.
    from workshops.models import Membership

    Membership.objects.create(
        user=day.programme.created_by, organisation=other_org, role="facilitator"
    )
    assert alice_client.post(url, {"programme": theirs.pk, "date": "2027-03-04"}).status_code == 404
    assert alice_client.post(url, {"programme": "x", "date": "2027-03-04"}).status_code == 404
    assert not theirs.workshops.exists()


def test_a_taken_day_number_is_said_and_nothing_is_lost(alice_client, day, programme):
    url = reverse("library:day_copy", args=[day.pk])
    response = alice_client.post(
        url, {"programme": programme.pk, "date": "2027-03-04", "number": 2}
    )
    assert response.status_code == 200
    assert "The programme already has a day number 2." in response.text
    assert 'value="2027-03-04"' in response.text
    assert programme.workshops.count() == 1


def test_a_day_from_the_seed_template(alice_client, programme):
    builtin.load()
    template = PlanTemplate.objects.get(key="samling-2")
    url = reverse("library:day_from_template", args=[programme.pk])
    page = alice_client.get(url + f"?template={template.pk}")
    assert f'value="{template.pk}" id="template-{template.pk}" checked' in page.text
    assert "Day 2: Relational leadership and a shared leadership platform" in page.text
    response = alice_client.post(
        url,
        {
            "template": template.pk,
            "date": "2027-02-04",
            "venue": "Kulturhuset",
            "token": str(uuid.uuid4()),
        },
    )
    made = programme.workshops.get()
    assert response["Location"] == made.get_absolute_url()
    assert (made.number, made.date, made.venue) == (1, dt.date(2027, 2, 4), "Kulturhuset")
    assert made.agenda_items.count() == len(template.plan["agenda"])


def test_a_day_without_a_template_or_date_is_refused_with_messages(alice_client, programme):
    builtin.load()
    response = alice_client.post(reverse("library:day_from_template", args=[programme.pk]), {})
    assert "Choose a template." in response.text
    assert "Choose the day&#x27;s date." in response.text
    assert not programme.workshops.exists()


def test_another_organisations_template_is_not_offered(alice_client, programme, other_org, charlie):
    theirs = PlanTemplate.objects.create(
        organisation=other_org, scope="day", title="Bøs hemmelige dag", plan={"agenda": []}
    )
    url = reverse("library:day_from_template", args=[programme.pk])
    assert "Bøs hemmelige dag" not in alice_client.get(url).text
    response = alice_client.post(url, {"template": theirs.pk, "date": "2027-02-04"})
    assert response.status_code == 200
    assert not programme.workshops.exists()


def test_copy_programme(alice_client, programme, day, group):
    url = reverse("library:programme_copy", args=[programme.pk])
    page = alice_client.get(url)
    assert "The network groups&#x27; names, without members" in page.text
    assert "Nettverksgruppe 1" in page.text
    data = {"title": "Kull 2", "first_date": "2027-11-26", "token": str(uuid.uuid4())}
    alice_client.post(url, data)
    response = alice_client.post(url, data)
    copy = Programme.objects.get(title="Kull 2")
    assert response["Location"] == copy.get_absolute_url()
    assert copy.workshops.get().date == dt.date(2027, 11, 26)
    assert list(copy.groups.values_list("name", flat=True)) == ["Nettverksgruppe 1"]
    assert not copy.participants.exists()


def test_programme_from_the_built_in_programme(alice_client, seljord):
    builtin.load()
    template = PlanTemplate.objects.get(key="program-tre-samlinger")
    url = reverse("library:programme_from_template")
    page = alice_client.get(url + f"?template={template.pk}")
    assert "Leadership programme of three days" in page.text
    response = alice_client.post(
        url,
        {
            "template": template.pk,
            "organisation": seljord.pk,
            "title": "Ledere 2027",
            "first_date": "2027-01-14",
        },
    )
    made = Programme.objects.get(title="Ledere 2027")
    assert response["Location"] == made.get_absolute_url()
    assert made.workshops.count() == 3


def test_save_a_day_as_a_template_and_start_from_it(alice_client, day, programme, seljord):
    url = reverse("library:day_save_template", args=[day.pk])
    page = alice_client.get(url)
    assert 'value="Relasjonsorientert lederadferd"' in page.text  # the theme, to start with
    token = str(uuid.uuid4())
    data = {
        "title": "Relasjonsdagen",
        "summary": "Vår beste dag.",
        "language": "nb",
        "token": token,
    }
    response = alice_client.post(url, data)
    alice_client.post(url, data)
    template = PlanTemplate.objects.get(organisation=seljord)
    assert response["Location"] == reverse("library:template_detail", args=[template.pk])
    assert (template.title, template.summary, template.scope) == (
        "Relasjonsdagen",
        "Vår beste dag.",
        "day",
    )
    detail = alice_client.get(response["Location"])
    assert "Del ut sjekklisten." in detail.text  # the notes, for whoever plans with it
    assert "09:45–10:30" in detail.text
    assert reverse("library:day_from_template", args=[programme.pk]) in detail.text
    listing = alice_client.get(reverse("library:template_list"))
    assert "Relasjonsdagen" in listing.text


def test_save_a_programme_as_a_template(alice_client, programme, day, seljord):
    url = reverse("library:programme_save_template", args=[programme.pk])
    alice_client.post(url, {"title": "Vårt program", "language": "nn"})
    template = PlanTemplate.objects.get(organisation=seljord)
    assert (template.scope, template.language) == ("programme", "nn")
    assert len(template.plan["days"]) == 1


def test_delete_a_template(alice_client, seljord):
    template = PlanTemplate.objects.create(
        organisation=seljord, scope="day", title="Gammel", plan={"agenda": []}
    )
    response = alice_client.post(reverse("library:template_delete", args=[template.pk]))
    assert response["Location"] == reverse("library:template_list")
    assert not PlanTemplate.objects.filter(pk=template.pk).exists()


def test_the_pages_link_to_copies_and_templates(alice_client, bob_client, programme, day):
    day_page = alice_client.get(reverse("exercises:workshop_detail", args=[day.pk])).text
    assert reverse("library:day_copy", args=[day.pk]) in day_page
    assert reverse("library:day_save_template", args=[day.pk]) in day_page
    programme_page = alice_client.get(programme.get_absolute_url()).text
    for name in ("programme_copy", "programme_save_template", "day_from_template"):
        assert reverse(f"library:{name}", args=[programme.pk]) in programme_page
    listing = alice_client.get(reverse("workshops:programme_list")).text
    assert reverse("library:programme_from_template") in listing
    assert reverse("library:template_list") in listing
    # HR advisers read; they are not offered what they may not do.
    hr_page = bob_client.get(reverse("exercises:workshop_detail", args=[day.pk])).text
    assert reverse("library:day_copy", args=[day.pk]) not in hr_page
    assert AgendaItem.objects.filter(workshop=day).count() == 6

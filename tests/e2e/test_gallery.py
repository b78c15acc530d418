"""A gallery walk in browsers: a facilitator and four phones in two groups. Each group taps its
host, the secretaries write the stations, the visitors go round once and leave a comment, and
back home the station's group reads it and writes its final version."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from exercises.models import Member, Run
from live import day as live_day
from tests.e2e import test_live as live
from tests.e2e.conftest import exercise_agenda
from workshops.models import AgendaItem

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agenda(workshop) -> list[AgendaItem]:
    return exercise_agenda(
        workshop,
        "gallery_walk",
        "Gallerivandring",
        {
            "prompt": "Hva er bra, hva mangler?",
            "source": "now",
            "grouping": "size",
            "group_size": 2,
            "host_rule": "group_decides",
        },
        minutes=30,
        welcome=True,
    )


def _check(axe, page: Page, found: list[str]) -> None:
    blocking = [v for v in axe.run(page).response["violations"] if v["impact"] in live.BLOCKING]
    if blocking:
        found.append(live._report(page, blocking))


def _next_phase(console: Page, run: Run) -> None:
    live._settled(console)
    console.locator(
        f"form[action='{reverse('live:act', args=[run.pk, 'next_phase'])}'] button"
    ).click()


def test_two_groups_walk_once_and_the_station_reads_its_comment(
    asgi_server, facilitator, new_phone, axe, alice, workshop, agenda
):
    found: list[str] = []
    live_day.start(workshop, by=alice)
    names = ["Ane", "Bo", "Cato", "Dina"]
    phones = {n: live._join(new_phone(), asgi_server, workshop.join_code, name=n) for n in names}
    console = live._open_console(facilitator, asgi_server, workshop)
    presenter = live._open_presenter(facilitator, asgi_server, workshop)
    live._settled(console)
    console.keyboard.press("n")  # to the gallery walk: the run starts and groups are formed
    # Every phone is asked to choose its host once the run has started (and is committed: the
    # database is read only then, as SQLite in memory refuses a read while a write is on).
    for page in phones.values():
        expect(page.locator(".decide-role button")).to_have_count(2)
    run = Run.objects.get(workshop=workshop)
    groups = list(run.groups.order_by("number"))
    assert [g.members.count() for g in groups] == [2, 2]
    # Read once, before the phones start writing (SQLite in memory locks a table while the
    # server writes to it).
    members = {
        g.pk: list(Member.objects.filter(group=g).select_related("attendee")) for g in groups
    }
    secretaries = {pk: next(m for m in ms if m.role == "secretary") for pk, ms in members.items()}
    hosts = {pk: next(m for m in ms if m.role != "secretary") for pk, ms in members.items()}

    # Each group taps who stays as host: the one who is not secretary.
    for group in groups:
        host = hosts[group.pk]
        tapper = phones[secretaries[group.pk].attendee.display_name]
        choices = tapper.locator(f"#gallery-group-{run.pk} .decide-role button")
        expect(choices).to_have_count(2)
        choices.filter(has_text=host.attendee.display_name).click()
        for member in members[group.pk]:
            expect(
                phones[member.attendee.display_name].locator(
                    f"#gallery-group-{run.pk} .decide-role"
                )
            ).to_contain_text(host.attendee.display_name)
        # The host's own part follows the new role (fetched again when a phone's role changes).
        expect(
            phones[host.attendee.display_name].locator(f"#gallery-{run.pk}-write .igp-role")
        ).to_contain_text(live._message("Host").lower())  # "Du er vert": lowercase in a sentence
    expect(presenter.locator(".role-rule")).to_contain_text(
        hosts[groups[0].pk].attendee.display_name
    )
    assert Member.objects.filter(run=run, role="host").count() == 2

    # Writing: the secretaries write their stations; their hosts see them.
    for group in groups:
        page = phones[secretaries[group.pk].attendee.display_name]
        page.locator(f"#gallery-text-{run.pk}").fill(f"Stasjon {group.name}\nTillit og mot")
        page.locator(f"#gallery-{run.pk}-write button[type=submit]").click()
        expect(
            phones[hosts[group.pk].attendee.display_name].locator(f"#gallery-group-{run.pk}")
        ).to_contain_text(f"Stasjon {group.name}")

    # Visit 1: each group's visitor is at the other station, reads it and comments.
    _next_phase(console, run)
    first, second = groups
    visitor = phones[secretaries[first.pk].attendee.display_name]
    expect(visitor.locator(f"#gallery-group-{run.pk} .gallery-visit")).to_contain_text(
        f"Stasjon {second.name}"
    )
    expect(visitor.locator(f"#gallery-group-{run.pk} .gallery-visit")).not_to_contain_text(
        f"Stasjon {first.name}"
    )
    comment = visitor.locator(f"#gallery-comment-{run.pk}")
    comment.fill("Fint, men hva med humor?")
    visitor.locator(f"#gallery-{run.pk}-visit-1 button[type=submit]").click()
    expect(comment).to_have_value("")
    station_host = phones[hosts[second.pk].attendee.display_name]
    expect(station_host.locator(f"#gallery-group-{run.pk}")).to_contain_text(
        "Fint, men hva med humor?"
    )
    # The commenting group's other phone sees its own comment; no one else's phone does.
    expect(phones[hosts[first.pk].attendee.display_name].locator(".gallery-visit")).to_contain_text(
        "Fint, men hva med humor?"
    )
    expect(presenter.locator(".gallery-route")).to_be_visible()
    expect(presenter.locator(".gallery-route")).not_to_contain_text("humor")
    _check(axe, visitor, found)
    _check(axe, station_host, found)
    _check(axe, presenter, found)

    # Back home: the second group reads the comment, its secretary writes the final version.
    _next_phase(console, run)
    home_secretary = phones[secretaries[second.pk].attendee.display_name]
    expect(home_secretary.locator(f"#gallery-group-{run.pk}")).to_contain_text(
        "Fint, men hva med humor?"
    )
    final = home_secretary.locator(f"#gallery-text-{run.pk}")
    expect(final).to_have_value(f"Stasjon {second.name}\nTillit og mot")
    final.fill(f"Stasjon {second.name}\nTillit og mot\nHumor")
    home_secretary.locator(f"#gallery-{run.pk}-home button[type=submit]").click()
    expect(station_host.locator(f"#gallery-group-{run.pk}")).to_contain_text("Humor")
    expect(
        phones[hosts[first.pk].attendee.display_name].locator(f"#gallery-group-{run.pk}")
    ).not_to_contain_text("Humor")
    _check(axe, home_secretary, found)
    _check(axe, presenter, found)
    assert not found, "serious or critical axe violations:\n" + "\n".join(found)

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workshops.models import NetworkGroup, Participant
from workshops.roster import fill_groups, import_roster

GOOD = (
    "name,email,title,network group\n"
    "Kari Nordmann,kari@example.no,Rektor,Nettverksgruppe 1\n"
    "Ola Nordmann,,Enhetsleder,\n"
    "Åse Ødegård,ase@example.no,,nettverksgruppe 1\n"
)

EXCEL = (
    "\ufeffNavn;E-post;Stilling;Nettverksgruppe\r\n"
    "Kari Nordmann;kari@example.no;Rektor;Nettverksgruppe 1\r\n"
    "Bjørn Ærø;bjorn@example.no;Styrar, barnehage;Nettverksgruppe 1\r\n"
)


@pytest.fixture
def group1(group) -> NetworkGroup:
    assert group.name == "Nettverksgruppe 1"
    return group


def test_good_file(programme, group1):
    result = import_roster(programme, GOOD.encode())
    assert result.ok
    assert len(result.created) == 3
    people = {p.name: p for p in programme.participants.all()}
    assert people["Kari Nordmann"].network_group == group1
    assert people["Kari Nordmann"].title == "Rektor"
    assert people["Ola Nordmann"].network_group is None
    assert people["Åse Ødegård"].network_group == group1  # group names match case-insensitively


def test_excel_semicolon_file_with_bom(programme, group1):
    result = import_roster(programme, EXCEL.encode("utf-8"))
    assert result.ok, result.errors
    people = {p.name: p for p in programme.participants.all()}
    assert set(people) == {"Kari Nordmann", "Bjørn Ærø"}
    assert people["Bjørn Ærø"].title == "Styrar, barnehage"  # the comma stays inside the cell
    assert people["Bjørn Ærø"].email == "bjorn@example.no"


def test_excel_ansi_file_in_windows_1252(programme, group1):
    data = EXCEL.replace("\ufeff", "").encode("cp1252")
    result = import_roster(programme, data)
    assert result.ok, result.errors
    assert programme.participants.filter(name="Bjørn Ærø").exists()


def test_bad_rows_are_all_reported_and_nothing_is_saved(programme, group1, participant):
    data = (
        "navn;e-post;tittel;gruppe\n"
        "God Person;god@example.no;;Nettverksgruppe 1\n"  # fine on its own
        ";ingen@example.no;;\n"  # row 3: missing name
        "Feil Epost;ikke-en-epost;;\n"  # row 4: bad email
        "Ukjent Gruppe;;;Gruppe 99\n"  # row 5: unknown group
        "Dobbel Person;;;\n"  # row 6: duplicate within the file …
        "dobbel person;;;\n"  # row 7: … and again
        "Kari Nordmann;;;\n"  # row 8: already on the roster
    )
    before = Participant.objects.count()
    result = import_roster(programme, data.encode())
    assert not result.ok
    assert Participant.objects.count() == before
    by_row = {e.row: e.message for e in result.errors}
    assert set(by_row) == {3, 4, 5, 6, 7, 8}
    assert "name is missing" in by_row[3]
    assert "not a valid email address" in by_row[4]
    assert "no network group called “Gruppe 99”" in by_row[5]
    assert "more than once" in by_row[6]
    assert "more than once" in by_row[7]
    assert "already on the roster" in by_row[8]


def test_duplicate_email_in_file_is_reported(programme):
    data = "name,email\nA,same@example.no\nB,SAME@example.no\n"
    result = import_roster(programme, data.encode())
    assert [e.row for e in result.errors] == [2, 3]
    assert programme.participants.count() == 0


def test_header_without_a_name_column(programme):
    result = import_roster(programme, b"foo,bar\n1,2\n")
    assert [(e.row, "name" in e.message) for e in result.errors] == [(1, True)]


@pytest.mark.parametrize("data", [b"", b"name\n", b"name\n\n\n"])
def test_empty_files(programme, data):
    result = import_roster(programme, data)
    assert not result.ok
    assert programme.participants.count() == 0


def test_import_view_reports_rows_and_saves_nothing(alice_client, programme, group1):
    upload = SimpleUploadedFile("deltakere.csv", b"navn;e-post\n;x@example.no\nOla;bad\n")
    response = alice_client.post(
        reverse("workshops:roster_import", args=[programme.pk]), {"file": upload}
    )
    assert response.status_code == 200
    assert "Nothing was imported" in response.text
    assert "Row 2: the name is missing" in response.text
    assert "Row 3: “bad” is not a valid email address" in response.text
    assert programme.participants.count() == 0


def test_import_view_good_file_redirects_to_the_roster(alice_client, programme, group1):
    upload = SimpleUploadedFile("deltakere.csv", EXCEL.encode())
    response = alice_client.post(
        reverse("workshops:roster_import", args=[programme.pk]), {"file": upload}, follow=True
    )
    assert "2 participants were added to the roster." in response.text
    assert "Bjørn Ærø" in response.text


def test_import_view_needs_a_file(alice_client, programme):
    response = alice_client.post(reverse("workshops:roster_import", args=[programme.pk]))
    assert "This field is required." in response.text


def test_imported_names_are_escaped(alice_client, programme):
    upload = SimpleUploadedFile("x.csv", b"name\n<img src=x onerror=alert(1)>\n")
    alice_client.post(reverse("workshops:roster_import", args=[programme.pk]), {"file": upload})
    page = alice_client.get(reverse("workshops:roster", args=[programme.pk]))
    assert "<img src=x" not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text


def test_fill_groups_spreads_people_evenly(programme, group1):
    for i in range(10):
        programme.participants.create(name=f"Person {i}")
    programme.participants.filter(name="Person 0").update(network_group=group1)
    groups = fill_groups(programme, 3)
    assert len(groups) == 3
    sizes = sorted(g.members.count() for g in groups)
    assert sizes == [3, 3, 4]
    assert programme.participants.filter(network_group=None).count() == 0
    assert programme.participants.get(name="Person 0").network_group == group1


def test_fill_groups_twice_changes_nothing(programme):
    for i in range(8):
        programme.participants.create(name=f"Person {i}")
    fill_groups(programme, 4)
    before = dict(programme.participants.values_list("name", "network_group_id"))
    fill_groups(programme, 4)
    assert dict(programme.participants.values_list("name", "network_group_id")) == before
    assert programme.groups.count() == 4

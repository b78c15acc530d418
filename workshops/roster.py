"""Roster import from CSV and filling network groups.

An import either saves every row or none: a facilitator fixes the file and uploads it again,
instead of hunting for which half of the roster made it in.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from workshops.forms import RosterRowForm
from workshops.models import NetworkGroup, Participant, Programme

HEADER_ALIASES = {
    "name": {"name", "navn", "namn", "fullt navn", "full name", "deltaker", "deltakar"},
    "email": {"email", "e-mail", "e-post", "epost", "mail"},
    "title": {"title", "tittel", "stilling", "rolle", "job title"},
    "group": {
        "group",
        "network group",
        "gruppe",
        "nettverksgruppe",
        "nettverk",
    },
}
MAX_ROWS = 2000


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class ImportResult:
    created: list[Participant] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(data: bytes) -> str:
    # Excel's "CSV UTF-8" starts with a BOM; its plain "CSV (semikolondelt)" on Norwegian
    # Windows is Windows-1252, where æøå are single bytes that are invalid UTF-8.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _normalise(value: str | None) -> str:
    return " ".join((value or "").split())


def import_roster(programme: Programme, data: bytes) -> ImportResult:
    text = decode(data)
    reader = csv.reader(io.StringIO(text), _dialect(text))
    result = ImportResult()
    try:
        header = next(reader)
    except StopIteration:
        result.errors.append(RowError(1, _("The file is empty.")))
        return result

    columns: dict[str, int] = {}
    for index, heading in enumerate(header):
        key = _normalise(heading).lower()
        for name, aliases in HEADER_ALIASES.items():
            if key in aliases and name not in columns:
                columns[name] = index
    if "name" not in columns:
        result.errors.append(
            RowError(
                1,
                _("The first row must name the columns, and one of them must be “name” or “navn”."),
            )
        )
        return result

    rows = []
    for line_number, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(rows) >= MAX_ROWS:
            result.errors.append(
                RowError(line_number, _("Too many rows: at most %(max)s.") % {"max": MAX_ROWS})
            )
            break

        def cell(name: str, raw: list[str] = raw) -> str:
            index = columns.get(name)
            return _normalise(raw[index]) if index is not None and index < len(raw) else ""

        rows.append((line_number, cell("name"), cell("email"), cell("title"), cell("group")))

    # The form checks a row against the roster; only the file knows its own duplicates.
    name_counts = Counter(name.lower() for _line, name, *_rest in rows if name)
    email_counts = Counter(email.lower() for _line, _name, email, *_rest in rows if email)
    groups = {g.name.lower(): g for g in programme.groups.all()}
    participants = []
    for line_number, name, email, title, group_name in rows:
        group = groups.get(group_name.lower())
        form = RosterRowForm(
            {
                "name": name,
                "email": email,
                "title": title,
                "network_group": group.pk if group else "",
            },
            programme=programme,
            instance=Participant(programme=programme),
        )
        form.is_valid()
        if not form.has_error("name") and name_counts[name.lower()] > 1:
            form.add_error(
                "name", _("%(name)s appears more than once in the file") % {"name": name}
            )
        if email and not form.has_error("email") and email_counts[email.lower()] > 1:
            form.add_error("email", _("the email address appears more than once in the file"))
        if group_name and group is None:
            form.add_error(
                "network_group",
                _("there is no network group called “%(group)s”") % {"group": group_name},
            )
        if form.errors:
            # In the order of the columns, whichever check found the problem.
            problems = [message for field in form.fields for message in form.errors.get(field, [])]
            problems += form.non_field_errors()
            result.errors.append(RowError(line_number, "; ".join(problems)))
        else:
            participants.append(form.save(commit=False))

    if not rows and not result.errors:
        result.errors.append(RowError(2, _("The file has no participants below the header.")))
    if result.errors:
        return result
    with transaction.atomic():
        result.created = Participant.objects.bulk_create(participants)
    return result


def fill_groups(programme: Programme, count: int) -> list[NetworkGroup]:
    """Make sure there are `count` groups and spread people without a group evenly over them.

    People who already have a group stay where they are; newcomers go to the smallest group
    first, so sizes never differ by more than needed.
    """
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)
        groups = list(programme.groups.all())
        taken = {g.name.lower() for g in groups}
        number = 1
        while len(groups) < count:
            name = _("Group %(number)s") % {"number": number}
            number += 1
            if name.lower() in taken:
                continue
            groups.append(NetworkGroup.objects.create(programme=programme, name=name))
            taken.add(name.lower())
        sizes = Counter(
            programme.participants.exclude(network_group=None).values_list(
                "network_group_id", flat=True
            )
        )
        newcomers = list(programme.participants.filter(network_group=None).order_by("name"))
        for person in newcomers:
            smallest = min(groups, key=lambda g: (sizes[g.pk], g.name))
            person.network_group = smallest
            sizes[smallest.pk] += 1
        Participant.objects.bulk_update(newcomers, ["network_group"])
    return groups

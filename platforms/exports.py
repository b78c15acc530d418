"""The platform as text to take elsewhere: Markdown (pastes into Word and e-mail as it reads) and
JSON (for other systems), both from a version's snapshot, with where each element came from.

Participant text is data in both. In the Markdown every character that could start markup
(emphasis, links, images, HTML, headings, lists, tables) is escaped with a backslash, so a
Markdown viewer shows the text as it was typed and runs nothing in it.
"""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from exercises.models import Run
from platforms.models import PlatformVersion, Practice, Step
from platforms.services import clean_text, snapshot
from workshops.models import Programme


class Sources:
    """Names for the ids a snapshot keeps as an element's source (day, exercise run, group)."""

    def __init__(self, programme: Programme) -> None:
        self.days = {day.pk: day for day in programme.workshops.all()}
        self.runs = {
            run.pk: run
            for run in Run.objects.filter(workshop__programme=programme).select_related(
                "exercise__agenda_item"
            )
        }
        self.groups = {group.pk: group for group in programme.groups.all()}

    def describe(self, source: dict | None) -> dict | None:
        source = source or {}
        day = self.days.get(source.get("workshop"))
        run = self.runs.get(source.get("run"))
        group = self.groups.get(source.get("group"))
        described = {
            "day": day.number if day else None,
            "date": day.date.isoformat() if day else None,
            "exercise": run.exercise.agenda_item.title if run else None,
            "kind": run.exercise.kind if run else None,
            "group": group.name if group else None,
            "label": source.get("label") or None,
        }
        return described if any(described.values()) else None

    def text(self, source: dict | None) -> str:
        described = self.describe(source)
        if described is None:
            return ""
        parts = [
            _("Day %(number)s") % {"number": described["day"]} if described["day"] else "",
            described["exercise"] or "",
            described["group"] or "",
            described["label"] or "",
        ]
        return " · ".join(part for part in parts if part)


def version_data(platform, version: PlatformVersion | None) -> dict:
    return version.snapshot if version else snapshot(platform)


def as_json(platform, version: PlatformVersion | None = None) -> dict:
    programme = platform.programme
    data = version_data(platform, version)
    sources = Sources(programme)
    step = data.get("step")
    return {
        "organisation": programme.organisation.name,
        "programme": programme.title,
        "version": {
            "number": version.number,
            "name": version.name,
            "created_at": version.created_at.isoformat(),
        }
        if version
        else None,
        "exported_at": timezone.now().isoformat(),
        "step": {"number": step, "label": str(Step(step).label)} if step in Step.values else None,
        "purpose": {
            "lead": data["purpose"]["lead"],
            "points": [
                {"text": point["text"], "source": sources.describe(point.get("source"))}
                for point in data["purpose"]["points"]
            ],
        },
        "vision": {
            "text": data["vision"]["text"],
            "source": sources.describe(data["vision"].get("source")),
        }
        if data.get("vision")
        else None,
        "alternatives": [entry["text"] for entry in data.get("alternatives", [])],
        "values": [
            {
                "place": place,
                "name": value["name"],
                "meaning": value["meaning"],
                "source": sources.describe(value.get("source")),
                "practices": {
                    side: [p["text"] for p in value.get("practices", {}).get(side, [])]
                    for side in Practice.Side.values
                },
            }
            for place, value in enumerate(data.get("values", []), start=1)
        ],
    }


# Markdown

_MARKUP = re.compile(r"([\\`*_\[\]<>|~&])")
_LINE_START = re.compile(r"^(\s*)([-+=#])|^(\s*\d+)([.)])")


def md(text: str) -> str:
    """Participant text as Markdown that shows exactly that text: one line, markup escaped."""
    text = clean_text(" ".join(str(text or "").split()))
    text = _MARKUP.sub(r"\\\1", text)
    # A line that starts like a list item, a setext underline or a numbered item stays text.
    return _LINE_START.sub(
        lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[3]}\\{m[4]}", text, count=1
    )


def as_markdown(platform, version: PlatformVersion | None = None) -> str:
    programme = platform.programme
    data = version_data(platform, version)
    sources = Sources(programme)

    def from_(source) -> str:
        described = sources.text(source)
        return f" _({md(_('From'))}: {md(described)})_" if described else ""

    lines = [
        "# "
        + md(
            _("Leadership platform for %(organisation)s")
            % {"organisation": programme.organisation.name}
        ),
        "",
        md(programme.title),
    ]
    if version:
        name = f" ({md(version.name)})" if version.name else ""
        lines.append("")
        lines.append(
            md(_("Version %(number)s") % {"number": version.number})
            + name
            + ", "
            + timezone.localtime(version.created_at).strftime("%d.%m.%Y %H:%M")
        )
    step = data.get("step")
    if step in Step.values:
        lines += ["", f"{md(_('Current step'))}: {step}. {md(Step(step).label)}"]

    lines += ["", "## " + md(_("Vision")), ""]
    if data.get("vision"):
        lines.append(f"**{md(data['vision']['text'])}**{from_(data['vision'].get('source'))}")
    else:
        lines.append(md(_("No vision chosen yet.")))
    if data.get("alternatives"):
        lines += ["", md(_("Other proposals")) + ":", ""]
        lines += [f"- {md(entry['text'])}" for entry in data["alternatives"]]

    lines += ["", "## " + md(_("Purpose")), ""]
    if data["purpose"]["lead"]:
        lines += [md(data["purpose"]["lead"]), ""]
    lines += [
        f"- {md(point['text'])}{from_(point.get('source'))}" for point in data["purpose"]["points"]
    ]

    lines += ["", "## " + md(_("Values and characteristics of good practice")), ""]
    sides = dict(Practice.Side.choices)
    for place, value in enumerate(data.get("values", []), start=1):
        meaning = f" – {md(value['meaning'])}" if value["meaning"] else ""
        lines.append(f"{place}. **{md(value['name'])}**{meaning}{from_(value.get('source'))}")
        for side in Practice.Side.values:
            practices = value.get("practices", {}).get(side, [])
            if practices:
                lines.append(f"   - {md(sides[side])}:")
                lines += [f"     - {md(p['text'])}" for p in practices]
    return "\n".join(lines).rstrip() + "\n"

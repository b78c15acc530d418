"""The built-in templates: data files in library/builtin/, one per template (TOML, read with
the standard library), loaded into PlanTemplate rows by `manage.py load_templates` and by
`load_demo`. Loading again changes only what a file changed.

A file says what it is (`scope = "day"` or `"programme"`), the language its content is written
in, and its name and summary in every UI language (`[names.nb]`, `[names.nn]`, `[names.en]`),
since those show in the template picker whatever language the reader uses. The content (the
titles, the tasks on the projector, the facilitator's notes) stays in the language it is
written in, as a facilitator's own template does; they edit the day they make from it.

A day file holds a `[day]` table with its times, theme, assignment and `[[day.agenda]]` items,
each with an optional `[day.agenda.exercise]` (a kind and its settings). A programme file holds
`[programme]` with its description, network groups and `[[programme.days]]`, each naming a day
file (`template`) and how many days after the first it comes (`offset_days`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.conf import settings
from django.db import transaction

from library.models import PlanTemplate
from library.plans import PlanError, clean_day_plan

FOLDER = Path(__file__).resolve().parent / "builtin"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _read(path: Path) -> dict:
    with path.open("rb") as file:
        return tomllib.load(file)


def _names(data: dict, where: str) -> dict:
    names = data.get("names", {})
    for language in LANGUAGES:
        shown = names.get(language, {})
        if not shown.get("title") or not shown.get("summary"):
            raise PlanError(f"{where}: a title and a summary in {language} ([names.{language}])")
    return {language: dict(names[language]) for language in LANGUAGES}


def templates() -> list[dict]:
    """Every built-in template as the fields of its PlanTemplate row, checked."""
    files = {path.stem: _read(path) for path in sorted(FOLDER.glob("*.toml"))}
    days: dict[str, dict] = {}
    found = []
    for key, data in files.items():
        if data.get("scope") != "day":
            continue
        try:
            days[key] = clean_day_plan(data["day"], data.get("language", "nb"))
        except (KeyError, PlanError) as error:
            raise PlanError(f"{key}.toml: {error}") from None
    for key, data in files.items():
        where = f"{key}.toml"
        language = data.get("language", "nb")
        if data.get("scope") == "day":
            plan = days[key]
        elif data.get("scope") == "programme":
            programme = data.get("programme", {})
            plan_days = []
            for number, day in enumerate(programme.get("days", []), start=1):
                if day.get("template") not in days:
                    raise PlanError(f"{where}: day {number} names no day template")
                plan_days.append(
                    {
                        **days[day["template"]],
                        "number": number,
                        "offset_days": int(day.get("offset_days", 0)),
                    }
                )
            plan = {
                "description": programme.get("description", "").strip(),
                "retention_days": int(programme.get("retention_days", 365)),
                "groups": list(programme.get("groups", [])),
                "days": plan_days,
            }
        else:
            raise PlanError(f'{where}: scope must be "day" or "programme"')
        names = _names(data, where)
        found.append(
            {
                "key": key,
                "scope": data["scope"],
                "language": language,
                "names": names,
                "title": names[language]["title"],
                "summary": names[language]["summary"],
                "plan": plan,
            }
        )
    return found


def load() -> tuple[int, int]:
    """Create or update the built-in templates; how many were created and updated."""
    created = updated = 0
    with transaction.atomic():
        for fields in templates():
            key = fields.pop("key")
            template = PlanTemplate.objects.filter(key=key).first()
            if template is None:
                PlanTemplate.objects.create(key=key, **fields)
                created += 1
            elif any(getattr(template, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(template, name, value)
                template.save()
                updated += 1
    return created, updated


def get(key: str) -> PlanTemplate:
    """A built-in template, loaded first if it is not yet."""
    template = PlanTemplate.objects.filter(key=key).first()
    if template is None:
        load()
        template = PlanTemplate.objects.get(key=key)
    return template

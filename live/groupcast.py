"""What one group sees, pushed only to that group's phones.

Each group of a run has its own channel per language. A phone's group stream listens to its
group's channel; another group's notes never reach it, not even hidden in the page.
"""

from __future__ import annotations

from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation

from exercises.models import Group, Run
from live.broadcast import LANGUAGES, sse_message
from workshops.bus import get_bus

REGROUP = "event: regroup\ndata: \n\n"


def channel(run_id: int, group_id: int, language: str) -> str:
    return f"run:{run_id}:group:{group_id}:{language}"


def render(run: Run, group: Group, language: str) -> str:
    """The group's view: its roles (and a role it chooses itself), then the kind's part."""
    from exercises.runs import ROLES, RULES, decision, role_rule

    module = run.module
    members = list(group.members.select_related("attendee"))
    rule = role_rule(run)
    with translation.override(language):
        roles = render_to_string(
            "exercises/_decide_role.html",
            {
                "run": run,
                "group": group,
                "workshop": run.workshop,
                "rule": (ROLES[rule[0]][0], RULES[rule[1]]) if rule else None,
                "decision": decision(run, group, members, rule or ()),
                "members": members,
            },
        )
        return roles + render_to_string(
            f"{module.TEMPLATE}#group",
            {
                "run": run,
                "group": group,
                "workshop": run.workshop,
                "kind": module.room_context(run),
                "group_view": module.group_context(run, group),
                "phase": run.current_phase(),
                "broadcast": True,
            },
        )


def snapshot(run_id: int, group_id: int, language: str) -> bytes:
    run = Run.objects.select_related("exercise__agenda_item", "workshop").get(pk=run_id)
    group = run.groups.get(pk=group_id)
    message = sse_message("group", render(run, group, language), run.version).encode()
    if not connection.in_atomic_block:
        connection.close()
    return message


def groups_changed(run_id: int, group_ids: list[int] | None = None) -> None:
    """Redraw the groups' views (all of them, or the ones named) for their phones."""
    run = Run.objects.select_related("exercise__agenda_item", "workshop").get(pk=run_id)
    if run.module.group_context is None:
        return
    bus = get_bus()
    groups = run.groups.all() if group_ids is None else run.groups.filter(pk__in=group_ids)
    for group in groups:
        names = [channel(run.pk, group.pk, language) for language in LANGUAGES]
        listening = bus.listening(names)
        for language, name in zip(LANGUAGES, names, strict=True):
            if name in listening:
                bus.publish(name, sse_message("group", render(run, group, language), run.version))


def regroup(run_id: int, group_id: int) -> None:
    """Tell a group's streams that someone left: the one who moved reconnects to their new
    group (their stream ends; the browser reconnects by itself)."""
    for language in LANGUAGES:
        get_bus().publish(channel(run_id, group_id, language), REGROUP)

"""Roles in a group, and the playful rules for who takes one ("the shortest first name is
secretary"). What each role does is shown on that person's phone."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

ROLES = {
    "secretary": (_("Secretary"), _("Writes down what the group agrees on and reports it.")),
    "chair": (_("Chair"), _("Leads the talk and makes sure everyone is heard.")),
    "timekeeper": (_("Timekeeper"), _("Keeps an eye on the time and warns the group.")),
    "off_topic_guard": (
        _("Off-topic guard"),
        _("Brings the group back when the talk drifts away from the task."),
    ),
    "host": (_("Host"), _("Stays with the group's poster and tells visitors about it.")),
}

RULES = {
    "fair": _("Picked at random, taking turns over the programme"),
    "shortest_first_name": _("The one with the shortest first name"),
    "longest_first_name": _("The one with the longest first name"),
    "first_in_alphabet": _("The one whose first name comes first in the alphabet"),
    "group_decides": _("The group decides"),
}


def first_name(name: str) -> str:
    return (name.split() or [""])[0]


def chosen_by_rule[T](rule: str, members: Sequence[T], names: dict[T, str]) -> T | None:
    """The member a playful rule picks, where the app knows the answer; None when the group
    has to decide (or the rule is a tie the app can't break fairly)."""
    if rule in ("fair", "group_decides") or not members:
        return None
    keys = {
        "shortest_first_name": lambda m: len(first_name(names[m])),
        "longest_first_name": lambda m: -len(first_name(names[m])),
        "first_in_alphabet": lambda m: first_name(names[m]).casefold(),
    }
    key = keys[rule]
    best = min(key(m) for m in members)
    winners = [m for m in members if key(m) == best]
    return winners[0] if len(winners) == 1 else None

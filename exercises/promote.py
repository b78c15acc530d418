"""What an exercise's results offer the lederplattform (a kind's optional `promotable(run)`).

A kind that has results worth keeping lists them as offers: a group's agreed list, the room's
diamond, the chosen proposal. The platform promotes an offer into one of its parts (see
platforms/services.promote) and remembers the day, the run and the group it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.models import Group

# The parts of the platform an offer can go to.
VALUES = "values"
PURPOSE = "purpose"
VISION = "vision"


@dataclass(frozen=True)
class Offer:
    key: str  # stable within the run: "room", "decision", "group-<pk>"
    label: str  # what the facilitator sees: the group's name, "The room's diamond"
    items: tuple[str, ...]  # in the result's order (ranking order where there is one)
    targets: tuple[str, ...]  # VALUES, PURPOSE, VISION: where it may go, the usual one first
    group: Group | None = None
    # For VISION: items holds the chosen proposal, these the ones not chosen, best first.
    alternatives: tuple[str, ...] = ()
    # Whether taking it usually replaces that part (the room's nine values) or adds to it.
    replaces: bool = False

"""Forming groups and handing out roles: pure functions over ids, no database.

Kept apart from the models so the rules (balanced sizes, a trio when a room is odd, fair role
rotation over a programme) are easy to read and to test on their own.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterable, Mapping, Sequence

WHOLE_ROOM = "room"
NETWORK_GROUPS = "network"
BY_SIZE = "size"
PAIRS = "pairs"
TRIADS = "triads"
SAME_AS = "same_as"  # the groups of an earlier exercise of the day, kept


def balanced[T: Hashable](people: Sequence[T], size: int, rng: random.Random) -> list[list[T]]:
    """Random groups of about `size`: as many groups as needed, sizes differing by at most one.

    Eleven people in groups of four make 4, 4, 3 — not 4, 4, 2 and 1.
    """
    if size < 1:
        raise ValueError("A group has at least one person.")
    if not people:
        return []
    shuffled = list(people)
    rng.shuffle(shuffled)
    count = max(1, round(len(shuffled) / size))
    # Rounding down may leave groups one bigger than asked, never more.
    while len(shuffled) / count > size + 1 and count < len(shuffled):
        count += 1
    return [shuffled[i::count] for i in range(count)]


def pairs[T: Hashable](people: Sequence[T], rng: random.Random) -> list[list[T]]:
    """Pairs; an odd room gets one trio rather than someone alone."""
    shuffled = list(people)
    rng.shuffle(shuffled)
    groups = [shuffled[i : i + 2] for i in range(0, len(shuffled) - len(shuffled) % 2, 2)]
    if len(shuffled) % 2:
        if groups:
            groups[-1].append(shuffled[-1])
        else:
            groups.append([shuffled[-1]])
    return groups


def triads[T: Hashable](people: Sequence[T], rng: random.Random) -> list[list[T]]:
    """Groups of three; one left over joins a trio (two observers), two left over form a pair
    with someone from a trio so no group is smaller than three when the room allows it."""
    shuffled = list(people)
    rng.shuffle(shuffled)
    n = len(shuffled)
    if n < 3:
        return [shuffled] if shuffled else []
    groups = [shuffled[i : i + 3] for i in range(0, n - n % 3, 3)]
    rest = shuffled[n - n % 3 :]
    if len(rest) == 1:
        groups[-1].append(rest[0])  # a group of four, with two observers
    elif len(rest) == 2:
        if len(groups) >= 2:
            groups[-1].append(rest[0])
            groups[-2].append(rest[1])
        else:
            groups[-1].extend(rest)  # five people: one group of five beats 3 + 2
    return groups


def by_network[T: Hashable](
    people: Sequence[T], network_of: Mapping[T, Hashable | None]
) -> list[list[T]]:
    """The programme's network groups. People without one (guests, people not yet placed)
    form a group of their own when there are two or more of them; one alone would have no one
    to work with, and joins the smallest group instead."""
    groups: dict[Hashable | None, list[T]] = {}
    for person in people:
        groups.setdefault(network_of.get(person), []).append(person)
    named = [members for key, members in groups.items() if key is not None]
    without = groups.get(None, [])
    if len(without) >= 2 or not named:
        return named + ([without] if without else [])
    for person in without:
        min(named, key=len).append(person)
    return named


def follow[T: Hashable, K: Hashable](
    people: Sequence[T], group_of: Mapping[T, K], keys: Sequence[K]
) -> list[list[T]]:
    """The groups of an earlier exercise, kept: one list per key, in the order of `keys`.

    Everyone goes back to the group they were in; people who were not in any of them join the
    smallest group one by one, as late joiners do. A group nobody is in now stays empty (the
    caller leaves it out).
    """
    groups: list[list[T]] = [[p for p in people if group_of.get(p) == key] for key in keys]
    for person in people:
        if group_of.get(person) in keys:
            continue
        filled = [i for i, members in enumerate(groups) if members] or list(range(len(groups)))
        if not filled:
            raise ValueError("There are no groups to follow.")
        groups[min(filled, key=lambda i: (len(groups[i]), i))].append(person)
    return groups


def smallest[T: Hashable](groups: Sequence[Sequence[T]]) -> int:
    """Where a late joiner goes: the smallest group, the first of equals."""
    return min(range(len(groups)), key=lambda i: (len(groups[i]), i))


def assign_roles[T: Hashable](
    members: Sequence[T],
    roles: Sequence[str],
    history: Mapping[T, Mapping[str, int]],
    rng: random.Random,
) -> dict[T, str]:
    """Hand out roles fairly over a programme.

    Each role goes to the member who has held it least often so far (the secretary of last
    time is not picked again while others have not been), then to whoever has held fewest
    roles in all, with chance deciding among equals. Nobody holds two roles: roles are listed
    most important first, and a group smaller than the list leaves the last ones out.
    """
    given: dict[T, str] = {}
    for role in roles[: len(members)]:
        free = [m for m in members if m not in given]
        rng.shuffle(free)
        choice = min(
            free,
            key=lambda m: (history.get(m, {}).get(role, 0), sum(history.get(m, {}).values())),
        )
        given[choice] = role
    return given


def role_history[T: Hashable](rows: Iterable[tuple[T, str]]) -> dict[T, dict[str, int]]:
    """(person, role) pairs from earlier runs -> how often each person held each role."""
    history: dict[T, dict[str, int]] = {}
    for person, role in rows:
        if role:
            counts = history.setdefault(person, {})
            counts[role] = counts.get(role, 0) + 1
    return history


def take_role[T: Hashable](
    given: Mapping[T, str], members: Sequence[T], role: str, person: T
) -> dict[T, str]:
    """The group's roles after it chose `person` for `role` (tapped on a phone).

    Nobody holds two roles: a role the chosen person held passes to whoever held `role`
    before (a swap), or else to the first member without a role; with nobody free it stays
    open. Choosing the one who already holds it changes nothing.
    """
    roles = {m: r for m, r in given.items() if r}
    if roles.get(person) == role:
        return roles
    before = next((m for m, r in roles.items() if r == role), None)
    old = roles.pop(person, "")
    if before is not None:
        del roles[before]
    roles[person] = role
    if old:
        heir = before if before is not None else next((m for m in members if m not in roles), None)
        if heir is not None:
            roles[heir] = old
    return roles

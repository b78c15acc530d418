from __future__ import annotations

import random
from collections import Counter

import pytest

from exercises.grouping import (
    assign_roles,
    balanced,
    by_network,
    follow,
    pairs,
    role_history,
    smallest,
    triads,
)


def rng() -> random.Random:
    return random.Random(7)


def sizes(groups) -> list[int]:
    return sorted(len(g) for g in groups)


@pytest.mark.parametrize(
    ("n", "size", "expected"),
    [(12, 4, [4, 4, 4]), (11, 4, [3, 4, 4]), (13, 4, [4, 4, 5]), (5, 4, [5]), (2, 4, [2]),
     (20, 5, [5, 5, 5, 5]), (7, 3, [3, 4]), (1, 3, [1])],
)  # fmt: skip
def test_balanced_groups_differ_by_at_most_one(n, size, expected):
    groups = balanced(list(range(n)), size, rng())
    assert sizes(groups) == expected
    assert sorted(p for g in groups for p in g) == list(range(n))


def test_balanced_is_random_but_reproducible():
    people = list(range(20))
    assert balanced(people, 4, random.Random(1)) == balanced(people, 4, random.Random(1))
    assert balanced(people, 4, random.Random(1)) != balanced(people, 4, random.Random(2))


def test_balanced_refuses_empty_groups():
    with pytest.raises(ValueError):
        balanced([1, 2], 0, rng())
    assert balanced([], 4, rng()) == []


@pytest.mark.parametrize(("n", "expected"), [(8, [2, 2, 2, 2]), (9, [2, 2, 2, 3]), (1, [1])])
def test_pairs_and_one_trio_in_an_odd_room(n, expected):
    assert sizes(pairs(list(range(n)), rng())) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [(9, [3, 3, 3]), (10, [3, 3, 4]), (11, [3, 4, 4]), (5, [5]), (4, [4]), (2, [2]), (0, [])],
)
def test_triads_with_a_rule_for_rooms_not_divisible_by_three(n, expected):
    groups = triads(list(range(n)), rng())
    assert sizes(groups) == expected
    assert sorted(p for g in groups for p in g) == list(range(n))


def test_network_groups_keep_their_members_and_the_unplaced_go_together():
    people = ["a", "b", "c", "d", "e"]
    groups = by_network(people, {"a": 1, "b": 2, "c": 1, "d": None})
    assert groups == [["a", "c"], ["b"], ["d", "e"]]


def test_one_person_without_a_network_group_joins_the_smallest_instead_of_being_alone():
    groups = by_network(["a", "b", "c", "guest"], {"a": 1, "b": 2, "c": 1})
    assert groups == [["a", "c"], ["b", "guest"]]
    assert by_network(["guest"], {}) == [["guest"]]  # nobody else in the room


def test_following_an_earlier_exercise_keeps_its_groups_and_places_newcomers_as_latecomers():
    earlier = {"a": 1, "b": 1, "c": 2, "d": 3, "e": 3}
    people = ["a", "b", "c", "d", "e", "new1", "new2", "new3"]
    groups = follow(people, earlier, [1, 2, 3])
    # The newcomers fill up the smallest groups one by one, the first of equals first.
    assert groups == [["a", "b", "new2"], ["c", "new1", "new3"], ["d", "e"]]
    # A group nobody is in now stays empty, and gets no newcomer.
    assert follow(["a", "x"], earlier, [1, 2, 3]) == [["a", "x"], [], []]
    assert follow(["x"], {}, [1, 2]) == [["x"], []]
    with pytest.raises(ValueError):
        follow(["x"], {}, [])


def test_late_joiners_go_to_the_smallest_group():
    assert smallest([[1, 2, 3], [4, 5], [6, 7]]) == 1


def test_roles_rotate_fairly_over_a_programme_of_three_days():
    people = ["Ane", "Bo", "Cato", "Dina"]
    roles = ["secretary", "chair"]
    past: list[tuple[str, str]] = []
    for day in range(3):
        given = assign_roles(people, roles, role_history(past), random.Random(day))
        assert sorted(given.values()) == sorted(roles)
        assert len(given) == len(roles)  # nobody holds two roles while others hold none
        past += [(person, role) for person, role in given.items()]
    secretaries = Counter(person for person, role in past if role == "secretary")
    # Three days, four people: three different secretaries, nobody twice.
    assert max(secretaries.values()) == 1
    held = Counter(person for person, _role in past)
    assert max(held.values()) - min(held.get(p, 0) for p in people) <= 1


def test_last_times_secretary_is_not_picked_again():
    history = role_history([("Ane", "secretary")])
    for seed in range(20):
        given = assign_roles(["Ane", "Bo"], ["secretary"], history, random.Random(seed))
        assert given == {"Bo": "secretary"}


def test_a_small_group_gets_the_most_important_roles_only():
    assert assign_roles(["Ane"], ["secretary", "chair"], {}, rng()) == {"Ane": "secretary"}

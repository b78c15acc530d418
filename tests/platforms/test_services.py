from __future__ import annotations

import pytest

from platforms import services
from platforms.models import Practice

from .conftest import NINE


def test_every_change_is_a_version_and_no_change_is_none(platform, alice):
    numbers = list(platform.versions.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    count = platform.versions.count()
    services.set_vision(
        platform, vision="Sammen for Seljord", alternatives=["Viser vei", "Gode med folk"], by=alice
    )
    assert platform.versions.count() == count  # the same state again is no new version
    services.set_step(platform, 5, by=alice)
    latest = platform.latest_version()
    assert latest.number == count + 1
    assert latest.snapshot["step"] == 5
    assert latest.created_by == alice


def test_snapshot_has_every_part(platform, alice):
    value = platform.values.first()
    services.edit_value(
        value,
        name="Tillit",
        meaning="Vi stoler på hverandre",
        practices={"ourselves": ["Holder avtaler"], "others": ["Svarer innen en dag"]},
        by=alice,
    )
    data = platform.latest_version().snapshot
    assert data["vision"]["text"] == "Sammen for Seljord"
    assert [a["text"] for a in data["alternatives"]] == ["Viser vei", "Gode med folk"]
    assert [v["name"] for v in data["values"]] == NINE
    first = data["values"][0]
    assert first["meaning"] == "Vi stoler på hverandre"
    assert [p["text"] for p in first["practices"]["ourselves"]] == ["Holder avtaler"]
    assert first["practices"]["each_other"] == []
    assert data["purpose"]["lead"].startswith("Vår ledergruppe")


def test_vision_alternatives_are_kept_when_another_is_chosen(platform, alice):
    proposal = platform.vision_proposals.get(text="Viser vei")
    services.choose_vision(proposal, by=alice)
    assert platform.vision.text == "Viser vei"
    assert set(
        platform.vision_proposals.filter(is_chosen=False).values_list("text", flat=True)
    ) == {
        "Sammen for Seljord",
        "Gode med folk",
    }


def test_unchanged_lines_keep_their_provenance(platform, alice, workshop):
    platform.purpose_points.filter(text="Gi trygghet og tillit").update(
        source_workshop=workshop, source_label="IGP"
    )
    services.set_purpose(
        platform,
        lead="Ny innledning",
        points=["Ny først", "Gi trygghet og tillit"],
        by=alice,
    )
    points = list(platform.purpose_points.all())
    assert [p.text for p in points] == ["Ny først", "Gi trygghet og tillit"]
    assert points[1].source_workshop == workshop


def test_move_and_reorder_values(platform, alice):
    ids = list(platform.values.values_list("pk", flat=True))
    last = platform.values.last()
    assert services.move_value(last, -1, by=alice) == 8
    assert services.move_value(platform.values.first(), -1, by=alice) == 1  # stays first
    services.reorder_values(platform, list(reversed(ids)), by=alice)
    assert list(platform.values.values_list("name", flat=True)) == list(reversed(NINE))
    with pytest.raises(ValueError):
        services.reorder_values(platform, ids[:3], by=alice)


def test_delete_value_renumbers(platform, alice):
    services.delete_value(platform.values.get(name="Åpen"), by=alice)
    assert list(platform.values.values_list("position", flat=True)) == list(range(8))


def test_compare_finds_added_removed_reworded_and_moved(platform, alice):
    old = platform.latest_version()
    services.set_vision(
        platform, vision="Sammen for Seljord!", alternatives=["Viser vei"], by=alice
    )
    services.add_value(platform, name="Ærlig", by=alice)
    services.delete_value(platform.values.get(name="Lojal"), by=alice)
    services.move_value(platform.values.get(name="Raushet"), -1, by=alice)
    services.edit_value(
        platform.values.get(name="Tillit"),
        name="Tillit",
        meaning="",
        practices={"others": ["Vi svarer"]},
        by=alice,
    )
    changes = services.compare(old.snapshot, platform.latest_version().snapshot)
    found = {(c.kind, c.section, c.before, c.after) for c in changes}
    assert ("reworded", "vision", "Sammen for Seljord", "Sammen for Seljord!") in found
    assert ("removed", "alternatives", "Gode med folk", "") in found
    assert ("added", "values", "", "Ærlig") in found
    assert ("removed", "values", "Lojal", "") in found
    assert ("added", "practices", "", "Vi svarer") in found
    assert any(c.kind == "moved" and c.after == "Raushet" for c in changes)


@pytest.mark.parametrize(
    "raw",
    ["\u202eTillit", "Til\u2066lit\u2069", "\u202aTillit\u202c", "Tillit\x00", "  Tillit  "],
)
def test_bidi_overrides_and_control_characters_are_stripped(raw):
    assert services.clean_text(raw) == "Tillit"


def test_practice_sides_are_the_three_from_the_source():
    assert Practice.Side.values == ["ourselves", "each_other", "others"]

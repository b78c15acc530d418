from __future__ import annotations

import pytest

from platforms import services
from platforms.models import LeadershipPlatform

NINE = [
    "Tillit",
    "Trygghet",
    "Åpen",
    "Tydelig",
    "Lojal",
    "Helhetsperspektiv",
    "Modig",
    "Omtanke",
    "Raushet",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def platform(programme, alice) -> LeadershipPlatform:
    platform = services.platform_for(programme)
    services.set_purpose(
        platform,
        lead="Vår ledergruppe skal skape MERVERDI ved å:",
        points=["Anerkjenne kompetanse", "Gi trygghet og tillit"],
        by=alice,
    )
    services.set_vision(
        platform, vision="Sammen for Seljord", alternatives=["Viser vei", "Gode med folk"], by=alice
    )
    for name in NINE:
        services.add_value(platform, name=name, by=alice)
    return platform

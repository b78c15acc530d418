"""Logos are made safe at the door (workshops/logos.py): checked by their header before a pixel
is decoded, stored as a PNG Samling wrote at a bounded size; SVG refused with advice."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from workshops import logos
from workshops.admin import OrganisationForm

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png(size=(300, 120), mode="RGBA", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "#1F4E79").save(out, "PNG", **save)
    return out.getvalue()


def jpeg(size=(2400, 1600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#F2C14E").save(out, "JPEG")
    return out.getvalue()


def bomb() -> bytes:
    """A 32 kB PNG that says 12,000 × 12,000 pixels (576 MB decoded as RGBA)."""
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000), 1).save(out, "PNG", optimize=True)
    return out.getvalue()


SCRIPT_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'width="100" height="40"><script>alert(document.cookie)</script>'
    b'<image xlink:href="https://evil.example/track.png"/>'
    b'<use href="file:///etc/passwd#x"/><rect width="100" height="40"/></svg>'
)
OVERSIZED_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000">'
    + b'<rect width="1" height="1"/>' * 40_000
    + b"</svg>"
)


def upload(client, organisation_programme, name: str, content: bytes, content_type: str):
    return client.post(
        reverse("platforms:brand_edit", args=[organisation_programme.pk]),
        {
            "brand_primary": "#1F4E79",
            "brand_secondary": "#F2C14E",
            "logo": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )


def stored(organisation) -> Image.Image:
    organisation.refresh_from_db()
    return Image.open(organisation.logo.path)


def test_a_png_is_stored_as_a_png_samling_wrote_without_its_extras(
    alice_client, programme, seljord
):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    response = upload(alice_client, programme, "Logo Seljord.png", png(pnginfo=info), "image/png")
    assert response.status_code == 302
    image = stored(seljord)
    assert image.format == "PNG" and image.size == (300, 120) and image.mode == "RGBA"
    assert "Comment" not in image.info
    assert seljord.logo.name.startswith("logos/Logo") and seljord.logo.name.endswith(".png")


def test_a_large_jpeg_is_shrunk_and_stored_as_png(alice_client, programme, seljord):
    response = upload(alice_client, programme, "logo.jpg", jpeg(), "image/jpeg")
    assert response.status_code == 302
    image = stored(seljord)
    assert image.format == "PNG" and image.size == (1200, 800) and image.mode == "RGB"
    assert seljord.logo.name.endswith(".png")


def test_the_decompression_bomb_is_refused_and_the_old_logo_kept(alice_client, programme, seljord):
    upload(alice_client, programme, "logo.png", png(), "image/png")
    kept = stored(seljord).tobytes()
    response = upload(alice_client, programme, "bomb.png", bomb(), "image/png")
    assert response.status_code == 200
    assert "The logo has far too many pixels; it may be at most 4,000 × 4,000" in response.text
    assert stored(seljord).tobytes() == kept


def test_just_over_the_pixel_cap_is_refused_with_its_size(alice_client, programme, seljord):
    response = upload(alice_client, programme, "wide.png", png((4001, 8), "L"), "image/png")
    assert "The logo is 4,001 × 8 pixels; it may be at most 4,000 × 4,000" in response.text
    seljord.refresh_from_db()
    assert not seljord.logo


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", SCRIPT_SVG),
        ("logo.svg", OVERSIZED_SVG),
        ("logo.svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("logo.png", SCRIPT_SVG),  # an SVG by another name
    ],
    ids=["script-and-external-references", "oversized", "harmless", "named-png"],
)
def test_svg_is_refused_with_advice(alice_client, programme, seljord, name, content):
    response = upload(alice_client, programme, name, content, "image/svg+xml")
    assert response.status_code == 200
    text = response.text.replace("&#x27;", "'")
    if len(content) > logos.MAX_BYTES:
        assert "The logo may be at most 1 MB." in text
    else:
        assert "SVG logos are not accepted" in text and "Save the logo as PNG" in text
    seljord.refresh_from_db()
    assert not seljord.logo
    assert not logos_dir().exists() or not any(logos_dir().iterdir())


def logos_dir() -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "logos"


@pytest.mark.parametrize(
    "content", [b"GIF89a" + b"\0" * 50, b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, b"plain text"]
)
def test_what_is_not_a_png_or_jpeg_is_refused(alice_client, programme, seljord, content):
    response = upload(alice_client, programme, "logo.png", content, "image/png")
    assert "The logo must be a PNG or JPEG image." in response.text
    seljord.refresh_from_db()
    assert not seljord.logo


def test_an_svg_stored_before_keeps_working_when_the_colours_change(
    alice_client, programme, seljord
):
    seljord.logo.save("old.svg", ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg"/>'))
    response = alice_client.post(
        reverse("platforms:brand_edit", args=[programme.pk]),
        {"brand_primary": "#112233", "brand_secondary": "#F2C14E"},
    )
    assert response.status_code == 302
    seljord.refresh_from_db()
    assert seljord.brand_primary == "#112233" and seljord.logo.name == "logos/old.svg"


def test_the_admin_form_makes_logos_safe_the_same_way(seljord):
    refused = OrganisationForm(
        {"name": "Seljord kommune", "slug": "seljord"},
        {"logo": SimpleUploadedFile("logo.svg", SCRIPT_SVG)},
        instance=seljord,
    )
    assert not refused.is_valid()
    assert "SVG logos are not accepted" in str(refused.errors["logo"])
    accepted = OrganisationForm(
        {"name": "Seljord kommune", "slug": "seljord"},
        {"logo": SimpleUploadedFile("logo.jpg", jpeg((600, 300)))},
        instance=seljord,
    )
    assert accepted.is_valid(), accepted.errors
    accepted.save()
    assert stored(seljord).format == "PNG"


def test_the_brand_page_offers_png_and_jpeg(alice_client, programme):
    page = alice_client.get(reverse("platforms:brand_edit", args=[programme.pk]))
    assert 'accept="image/png,image/jpeg"' in page.text
    assert "at most 1 MB and 4,000 × 4,000 pixels" in page.text


# What checking costs the process that checks: measured in a fresh interpreter each, by its
# peak resident memory (VmHWM; ru_maxrss would start at this process's size, kept across exec).
MEASURE = """
import json, sys
from pathlib import Path
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from workshops import logos

translation.activate("en")


def peak_kib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

content = sys.stdin.buffer.read()
before = peak_kib()
try:
    logos.normalise(SimpleUploadedFile("logo.png", content))
    outcome = "stored"
except ValidationError as error:
    outcome = error.messages[0]
print(json.dumps({"outcome": outcome, "grown_mib": (peak_kib() - before) / 1024}))
"""


def measured(content: bytes) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE],
        input=content,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout.decode().strip().splitlines()[-1])


def test_checking_the_bomb_costs_the_process_almost_nothing():
    result = measured(bomb())
    assert "far too many pixels" in result["outcome"]
    assert result["grown_mib"] < 5  # decoding it would be 18 MiB as bits, 576 MiB as RGBA


def test_the_largest_logo_allowed_costs_a_bounded_amount():
    """4,000 × 4,000 RGBA is 61 MiB decoded; the check decodes it once and shrinks it."""
    result = measured(png((4000, 4000), compress_level=1))
    assert result["outcome"] == "stored"
    assert result["grown_mib"] < 200

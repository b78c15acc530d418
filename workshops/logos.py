"""An organisation's logo, made safe at the door.

An image file is a header and compressed pixels: a PNG of 32 kB may say 12,000 × 12,000 and
take 576 MB once decoded (a programme report with one grew past a gigabyte: see
docs/performance.md). So an upload is opened, which
reads the header only, and refused above MAX_SIDE before a pixel is decoded; then it is decoded,
shrunk to at most STORED_SIDE on its longest side and written again as PNG. What is stored is
always a PNG that Samling wrote itself, a few hundred kilobytes at most.

SVG is refused, with the advice to save the logo as PNG: an SVG is a document that may carry
scripts, links to other files and size tricks of its own, and making one safe takes a
sanitiser that must keep up with every renderer. Logos stored before this (SVG ones included)
keep working: the PDF renderer reads only the files it is given and runs no script
(platforms/pdf.py), and a stored raster logo over the cap is left off the poster
(problem_of_stored) rather than decoded.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 1024 * 1024
MAX_SIDE = 4000
MAX_PIXELS = MAX_SIDE * MAX_SIDE
STORED_SIDE = 1200
FORMATS = ["PNG", "JPEG"]

HELP_TEXT = gettext_lazy(
    "PNG or JPEG, at most 1 MB and 4,000 × 4,000 pixels. It is stored as PNG, at most 1,200 "
    "pixels on its longest side."
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"


def _too_large(width: int, height: int) -> ValidationError:
    return ValidationError(
        _(
            "The logo is %(width)s × %(height)s pixels; it may be at most %(side)s × %(side)s. "
            "Save it smaller and upload it again."
        )
        % {
            "width": number_format(width, force_grouping=True),
            "height": number_format(height, force_grouping=True),
            "side": number_format(MAX_SIDE, force_grouping=True),
        }
    )


def _not_an_image() -> ValidationError:
    return ValidationError(_("The logo must be a PNG or JPEG image."))


def open_header(file) -> Image.Image:
    """The image with only its header read, refused if it is not a PNG or JPEG or has more
    pixels than MAX_SIDE × MAX_SIDE. Nothing is decoded yet."""
    file.seek(0)
    with warnings.catch_warnings():
        # Pillow warns above Image.MAX_IMAGE_PIXELS (set to MAX_PIXELS in WorkshopsConfig) and
        # refuses at twice that; either way it is too large.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file, formats=FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(
                _(
                    "The logo has far too many pixels; it may be at most %(side)s × %(side)s. "
                    "Save it smaller and upload it again."
                )
                % {"side": number_format(MAX_SIDE, force_grouping=True)}
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise _not_an_image() from None
    width, height = image.size
    if width > MAX_SIDE or height > MAX_SIDE:
        raise _too_large(width, height)
    return image


def validate(file) -> None:
    """The model's check, for what is stored (old logos included): at most MAX_BYTES, and a
    PNG or JPEG within the pixel cap by its header, or an SVG (by its content, not just its
    name; new SVGs are refused by clean_upload, stored ones keep working)."""
    if file.size > MAX_BYTES:
        raise ValidationError(_("The logo may be at most 1 MB."))
    file.seek(0)
    head = file.read(512)
    file.seek(0)
    if head.startswith((PNG_SIGNATURE, JPEG_SIGNATURE)):
        open_header(file).close()
        file.seek(0)
        return
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if file.name.lower().endswith(".svg") and text.startswith((b"<svg", b"<?xml")):
        return
    raise _not_an_image()


def normalise(upload: UploadedFile) -> ContentFile:
    """The uploaded logo as a PNG that Samling wrote, at most STORED_SIDE on its longest side;
    refuses SVG and anything that is not a PNG or JPEG within the caps."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The logo may be at most 1 MB."))
    upload.seek(0)
    head = upload.read(512).lstrip(b"\xef\xbb\xbf").lstrip().lower()
    upload.seek(0)
    if upload.name.lower().endswith(".svg") or head.startswith((b"<svg", b"<?xml")):
        raise ValidationError(
            _(
                "SVG logos are not accepted, since an SVG file can carry scripts and links to "
                "other files. Save the logo as PNG (most drawing programs can, under "
                "“Export”) and upload that."
            )
        )
    with open_header(upload) as image:
        try:
            # For a JPEG, decode at a fraction of its size when that is enough (draft).
            image.thumbnail((STORED_SIDE, STORED_SIDE))
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            clean = image.convert("RGBA" if has_alpha else "RGB")
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise ValidationError(
                _("The logo could not be read. Save it again as PNG and upload that.")
            ) from None
    out = io.BytesIO()
    clean.save(out, "PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{Path(upload.name).stem[:80] or 'logo'}.png")


def clean_upload(value):
    """A form's clean_logo: a new upload is made a clean PNG; a logo already stored, or none,
    is left as it is."""
    return normalise(value) if isinstance(value, UploadedFile) else value


def problem_of_stored(path: Path) -> str:
    """Why a stored logo must not be rendered ("" when it may): a raster one over the pixel
    cap (stored before uploads were checked), or one that is not an image at all."""
    with path.open("rb") as file:
        head = file.read(8)
        if not head.startswith((PNG_SIGNATURE, JPEG_SIGNATURE)):
            return ""  # an SVG: vector, drawn to the poster's size, no pixels to decode
        try:
            open_header(file).close()
        except ValidationError as error:
            return error.messages[0]
    return ""

"""Render a programme's lederplakat to a PDF file, synchronously, through the poster service."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from platforms import poster
from platforms.services import platform_for
from workshops.models import Programme


class Command(BaseCommand):
    help = "Render the lederplakat of a programme to a PDF file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("programme", type=int, help="The programme's id.")
        parser.add_argument("--out", required=True, help="Where to write the PDF.")
        parser.add_argument("--size", choices=sorted(poster.PAGE_SIZES), default="a3")
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], default="nb"
        )

    def handle(self, *args, programme: int, out: str, size: str, language: str, **options):
        found = Programme.objects.filter(pk=programme).select_related("organisation").first()
        if found is None:
            raise CommandError(f"No programme with id {programme}.")
        pdf = poster.render_platform_pdf(platform_for(found), size=size, language=language)
        Path(out).write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(f"Wrote {out} ({len(pdf)} bytes)."))

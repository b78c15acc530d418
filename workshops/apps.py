from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Programmes and workshop days")

    def ready(self) -> None:
        from PIL import Image

        from workshops import logos

        # Pillow warns about an image of more pixels than this and refuses one of twice as
        # many: no logo may have more (workshops/logos.py), and nothing else here opens images.
        Image.MAX_IMAGE_PIXELS = logos.MAX_PIXELS

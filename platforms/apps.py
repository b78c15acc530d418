from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    name = "platforms"
    verbose_name = _("Leadership platform")

    def ready(self) -> None:
        from platforms import checks  # noqa: F401  (registers the checks)

"""Start-up checks of what the lederplakat needs from the machine."""

from __future__ import annotations

from django.core import checks

from platforms import poster


@checks.register()
def pdftoppm_installed(app_configs, **kwargs) -> list[checks.CheckMessage]:
    # A poster renders without it, but shows on the platform and programme pages without the
    # picture of its first page: say so at start-up rather than leave it to be noticed.
    if poster.pdftoppm() is None:
        return [
            checks.Warning(
                "pdftoppm is not installed: posters get no preview picture.",
                hint="Install poppler-utils (Debian: apt-get install poppler-utils).",
                id="platforms.W001",
            )
        ]
    return []

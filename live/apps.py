from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    """The live day: console, presenter, join, phones, their streams, and the one transition
    service (live/day.py). It draws the screens when a push note arrives (workshops.push)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "live"
    verbose_name = _("Live day")

    def ready(self) -> None:
        from live import receivers  # noqa: F401  (connects the push notes to the redraws)

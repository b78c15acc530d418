from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalConfig(AppConfig):
    """The participant's own page, the copy of their data, erasure and the retention purge:
    the top floor, built on the days, the exercises and the live day."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "personal"
    verbose_name = _("Personal page")

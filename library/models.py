"""Templates to start days and programmes from: an organisation's own, saved from a day or a
programme, and the built-in ones shipped as data files (library/builtin/, loaded by the
`load_templates` command). Not Django templates: a PlanTemplate holds a plan (library/plans.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from workshops.models import Organisation


class PlanTemplate(models.Model):
    class Scope(models.TextChoices):
        DAY = "day", _("Day")
        PROGRAMME = "programme", _("Programme")

    # None for a built-in template, which every organisation can start from.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plan_templates",
    )
    # A built-in template's data file (library/builtin/<key>.toml); loading it again updates it.
    key = models.SlugField(max_length=80, unique=True, null=True, blank=True, editable=False)
    scope = models.CharField(_("template of"), max_length=20, choices=Scope.choices)
    title = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("what it is for"), blank=True)
    # The language the plan's content (titles, tasks, notes) is written in.
    language = models.CharField(_("written in"), max_length=10, default="nb")
    # A built-in template's name and summary in each UI language: {"nb": {"title": …}, …}.
    names = models.JSONField(default=dict, blank=True, editable=False)
    plan = models.JSONField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the save form, so a double-clicked or retried submit saves one template.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["scope", "title", "pk"]
        verbose_name = _("template")
        verbose_name_plural = _("templates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(key__isnull=False),
                name="template_is_an_organisations_or_built_in",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_builtin(self) -> bool:
        return self.organisation_id is None

    def _shown(self, field: str) -> str:
        language = translation.get_language() or settings.LANGUAGE_CODE
        return self.names.get(language, {}).get(field) or getattr(self, field)

    @property
    def shown_title(self) -> str:
        """The name in the reader's language, where the template comes with one."""
        return self._shown("title")

    @property
    def shown_summary(self) -> str:
        return self._shown("summary")

    @property
    def language_name(self) -> str:
        return translation.get_language_info(self.language)["name_local"]

    def days(self) -> list[dict]:
        """The day plans it holds: one for a day template, each day's for a programme's."""
        return self.plan["days"] if self.scope == self.Scope.PROGRAMME else [self.plan]

from __future__ import annotations

from django.contrib import admin

from library.models import PlanTemplate


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "scope", "organisation", "key", "created_at"]
    list_filter = ["scope", "organisation"]
    search_fields = ["title", "organisation__name", "key"]
    readonly_fields = ["key", "names", "plan", "created_at", "created_by"]

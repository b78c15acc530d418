from __future__ import annotations

from django.contrib import admin

from exercises.models import Exercise, Run, RunEvent, Submission


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["agenda_item", "kind"]
    list_filter = ["kind"]
    search_fields = ["agenda_item__title"]
    autocomplete_fields = ["agenda_item"]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ["exercise", "workshop", "phase", "version", "started_at"]
    readonly_fields = ["started_at"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["text", "key", "run", "created_at"]
    list_filter = ["key"]
    search_fields = ["text"]
    readonly_fields = ["token", "created_at"]


@admin.register(RunEvent)
class RunEventAdmin(admin.ModelAdmin):
    list_display = ["run", "version", "action", "actor", "at"]
    readonly_fields = ["at"]

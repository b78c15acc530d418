from __future__ import annotations

from django import forms
from django.contrib import admin

from workshops import logos
from workshops.models import (
    AgendaItem,
    Attendee,
    LiveEvent,
    Membership,
    NetworkGroup,
    Organisation,
    Participant,
    Programme,
    Workshop,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "brand_primary", "brand_secondary", "logo"]
        help_texts = {"logo": logos.HELP_TEXT}

    def clean_logo(self):
        # As on the brand page: a new logo is stored as a PNG Samling wrote (workshops/logos.py).
        return logos.clean_upload(self.cleaned_data["logo"])


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


class WorkshopInline(admin.TabularInline):
    model = Workshop
    extra = 0
    fields = ["number", "date", "start_time", "end_time", "venue", "theme"]
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["title", "organisation__name"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created_at", "created_by"]
    inlines = [WorkshopInline]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "kind", "title", "duration_minutes"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "date", "start_time", "venue"]
    list_filter = ["programme__organisation"]
    search_fields = ["programme__title", "theme", "venue"]
    autocomplete_fields = ["programme"]
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "workshop", "kind", "position", "duration_minutes"]
    list_filter = ["kind"]
    search_fields = ["title"]
    autocomplete_fields = ["workshop"]


@admin.register(NetworkGroup)
class NetworkGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "programme"]
    search_fields = ["name", "programme__title"]
    autocomplete_fields = ["programme"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "title", "network_group", "programme"]
    list_filter = ["programme"]
    search_fields = ["name", "email", "title"]
    autocomplete_fields = ["programme", "network_group"]


@admin.register(LiveEvent)
class LiveEventAdmin(admin.ModelAdmin):
    list_display = ["workshop", "version", "action", "actor", "at", "from_item", "to_item"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in LiveEvent._meta.fields]


@admin.register(Attendee)
class AttendeeAdmin(admin.ModelAdmin):
    list_display = ["display_name", "workshop", "participant", "joined_at"]
    search_fields = ["display_name"]
    readonly_fields = ["device_hash", "joined_at"]

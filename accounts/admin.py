"""For operators (staff) only: ordinary work with members happens on the members page."""

from __future__ import annotations

from django.contrib import admin

from accounts.forms import AdminLoginForm
from accounts.models import Invitation, MemberEvent, Signup

# Without this, /admin/login/ would be a way round the login throttle.
admin.site.login_form = AdminLoginForm


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ["organisation_name", "user", "created_at", "verified_at"]
    list_filter = ["verified_at"]
    search_fields = ["organisation_name", "user__email"]
    readonly_fields = ["user", "organisation", "created_at", "verified_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "sent_at", "expires_at", "accepted_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["invited_by", "created_at", "sent_at", "accepted_at", "accepted_by"]


@admin.register(MemberEvent)
class MemberEventAdmin(admin.ModelAdmin):
    list_display = ["at", "organisation", "kind", "subject", "role", "actor"]
    list_filter = ["kind", "organisation"]
    search_fields = ["subject", "organisation__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

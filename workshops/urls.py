from __future__ import annotations

from django.urls import path

from workshops import live_views, views

app_name = "workshops"

urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/days/new/", views.workshop_create, name="workshop_create"),
    path("programmes/<int:pk>/roster/", views.roster, name="roster"),
    path("programmes/<int:pk>/roster/import/", views.roster_import, name="roster_import"),
    path("programmes/<int:pk>/groups/", views.groups, name="groups"),
    path("programmes/<int:pk>/groups/fill/", views.groups_fill, name="groups_fill"),
    path("days/<int:pk>/", views.workshop_detail, name="workshop_detail"),
    path("days/<int:pk>/edit/", views.workshop_edit, name="workshop_edit"),
    path("days/<int:pk>/delete/", views.workshop_delete, name="workshop_delete"),
    path("days/<int:pk>/reopen/", views.workshop_reopen, name="workshop_reopen"),
    path("days/<int:pk>/print/", views.workshop_print, name="workshop_print"),
    path("days/<int:pk>/agenda.ics", views.workshop_ics, name="workshop_ics"),
    path("days/<int:pk>/agenda/add/", views.agenda_add, name="agenda_add"),
    path("days/<int:pk>/agenda/reorder/", views.agenda_reorder, name="agenda_reorder"),
    path("agenda/<int:pk>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("agenda/<int:pk>/delete/", views.agenda_item_delete, name="agenda_item_delete"),
    path("agenda/<int:pk>/move/", views.agenda_item_move, name="agenda_item_move"),
    path("participants/<int:pk>/edit/", views.participant_edit, name="participant_edit"),
    path("participants/<int:pk>/delete/", views.participant_delete, name="participant_delete"),
    path("participants/<int:pk>/group/", views.participant_set_group, name="participant_set_group"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("days/<int:pk>/live/", live_views.console, name="console"),
    path("days/<int:pk>/live/people/", live_views.console_people, name="console_people"),
    path(
        "days/<int:pk>/live/people/<int:attendee>/<str:action>/",
        live_views.console_person,
        name="console_person",
    ),
    path(
        "days/<int:pk>/live/claims/<int:claim>/<str:action>/",
        live_views.console_claim,
        name="console_claim",
    ),
    path(
        "days/<int:pk>/live/roster-only/",
        live_views.console_roster_only,
        name="console_roster_only",
    ),
    path("days/<int:pk>/live/<str:action>/", live_views.console_action, name="console_action"),
    path("days/<int:pk>/present/", live_views.presenter, name="presenter"),
    path("days/<int:pk>/stream/<str:audience>/", live_views.day_stream, name="day_stream"),
    path("j/", live_views.join, name="join"),
    path("j/<str:code>/", live_views.join_day, name="join_day"),
    path("j/<str:code>/taken/<int:pk>/", live_views.join_taken, name="join_taken"),
    path("j/<str:code>/wait/<int:pk>/", live_views.join_wait, name="join_wait"),
    path("p/<str:code>/", live_views.phone, name="phone"),
    path("p/<str:code>/stream/", live_views.phone_stream, name="phone_stream"),
    path("p/<str:code>/prove/", live_views.phone_prove, name="phone_prove"),
    path("p/<str:code>/sign-out/", live_views.phone_sign_out, name="phone_sign_out"),
]

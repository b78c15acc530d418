from __future__ import annotations

from django.urls import path

from workshops import views

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
    path("days/<int:pk>/edit/", views.workshop_edit, name="workshop_edit"),
    path("days/<int:pk>/delete/", views.workshop_delete, name="workshop_delete"),
    path("days/<int:pk>/print/", views.workshop_print, name="workshop_print"),
    path("days/<int:pk>/agenda.ics", views.workshop_ics, name="workshop_ics"),
    path("participants/<int:pk>/edit/", views.participant_edit, name="participant_edit"),
    path("participants/<int:pk>/delete/", views.participant_delete, name="participant_delete"),
    path("participants/<int:pk>/group/", views.participant_set_group, name="participant_set_group"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
]

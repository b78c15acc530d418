from django.urls import path

from personal import views

app_name = "personal"

urlpatterns = [
    path(
        "programmes/<int:pk>/progress/",
        views.programme_progress,
        name="programme_progress",
    ),
    path("days/<int:pk>/remind/", views.workshop_remind, name="workshop_remind"),
    path(
        "participants/<int:pk>/access-copy/",
        views.participant_access_copy,
        name="participant_access_copy",
    ),
    path(
        "participants/<int:pk>/new-code/",
        views.participant_new_code,
        name="participant_new_code",
    ),
    path("participants/<int:pk>/erase/", views.participant_erase, name="participant_erase"),
    path("me/", views.personal_page, name="personal_page"),
    path("me/start/", views.personal_start, name="personal_start"),
    path("me/link/", views.personal_request_link, name="personal_request_link"),
    path("me/open/", views.personal_link, name="personal_link"),
    path("me/code/", views.personal_code_login, name="personal_code_login"),
    path("me/logout/", views.personal_logout, name="personal_logout"),
    path("me/answer/", views.personal_answer, name="personal_answer"),
    path("me/days/<int:pk>/", views.personal_day, name="personal_day"),
    path("me/group/", views.personal_group, name="personal_group"),
    path("me/export.<str:fmt>", views.personal_export, name="personal_export"),
    path("me/erase/", views.personal_erase, name="personal_erase"),
    path("me/new-code/", views.personal_new_code, name="personal_new_code"),
]

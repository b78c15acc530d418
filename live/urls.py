from django.urls import path

from live import run_views, views

app_name = "live"

urlpatterns = [
    path("days/<int:pk>/reopen/", views.reopen, name="workshop_reopen"),
    path("days/<int:pk>/live/", views.console, name="console"),
    path("days/<int:pk>/live/people/", views.console_people, name="console_people"),
    path(
        "days/<int:pk>/live/people/<int:attendee>/<str:action>/",
        views.console_person,
        name="console_person",
    ),
    path(
        "days/<int:pk>/live/claims/<int:claim>/<str:action>/",
        views.console_claim,
        name="console_claim",
    ),
    path(
        "days/<int:pk>/live/roster-only/",
        views.console_roster_only,
        name="console_roster_only",
    ),
    path("days/<int:pk>/live/<str:action>/", views.console_action, name="console_action"),
    path("days/<int:pk>/present/", views.presenter, name="presenter"),
    path("days/<int:pk>/stream/<str:audience>/", views.day_stream, name="day_stream"),
    path("j/", views.join, name="join"),
    path("j/<str:code>/", views.join_day, name="join_day"),
    path("j/<str:code>/taken/<int:pk>/", views.join_taken, name="join_taken"),
    path("j/<str:code>/wait/<int:pk>/", views.join_wait, name="join_wait"),
    path("p/<str:code>/", views.phone, name="phone"),
    path("p/<str:code>/stream/", views.phone_stream, name="phone_stream"),
    path("p/<str:code>/prove/", views.phone_prove, name="phone_prove"),
    path("p/<str:code>/sign-out/", views.phone_sign_out, name="phone_sign_out"),
    path("p/<str:code>/runs/<int:run_pk>/", run_views.submit, name="submit"),
    path("p/<str:code>/runs/<int:run_pk>/group/", run_views.group_stream, name="group_stream"),
    path("p/<str:code>/runs/<int:run_pk>/role/", run_views.choose_role, name="decide_role"),
    path("runs/<int:pk>/act/<str:action>/", run_views.act, name="act"),
]

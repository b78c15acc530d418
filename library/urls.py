from __future__ import annotations

from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("templates/", views.template_list, name="template_list"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/delete/", views.template_delete, name="template_delete"),
    path(
        "programmes/from-template/",
        views.programme_from_template,
        name="programme_from_template",
    ),
    path("programmes/<int:pk>/copy/", views.programme_copy, name="programme_copy"),
    path(
        "programmes/<int:pk>/save-as-template/",
        views.programme_save_template,
        name="programme_save_template",
    ),
    path(
        "programmes/<int:pk>/days/from-template/",
        views.day_from_template,
        name="day_from_template",
    ),
    path("days/<int:pk>/copy/", views.day_copy, name="day_copy"),
    path("days/<int:pk>/save-as-template/", views.day_save_template, name="day_save_template"),
]

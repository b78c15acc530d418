from __future__ import annotations

from django.urls import path

from exercises import agenda_views, views

app_name = "exercises"

urlpatterns = [
    path("days/<int:pk>/", agenda_views.workshop_detail, name="workshop_detail"),
    path("days/<int:pk>/agenda/add/", agenda_views.agenda_add, name="agenda_add"),
    path("days/<int:pk>/agenda/reorder/", agenda_views.agenda_reorder, name="agenda_reorder"),
    path("agenda/<int:pk>/edit/", agenda_views.agenda_item_edit, name="agenda_item_edit"),
    path("agenda/<int:pk>/delete/", agenda_views.agenda_item_delete, name="agenda_item_delete"),
    path("agenda/<int:pk>/move/", agenda_views.agenda_item_move, name="agenda_item_move"),
    path("agenda/<int:pk>/exercise/", views.setup, name="setup"),
    path("days/<int:pk>/agenda/library/<str:kind>/", views.library_add, name="library_add"),
    path("runs/<int:pk>/export.csv", views.export_csv, name="export_csv"),
    path("runs/<int:pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("runs/<int:pk>/cloud.svg", views.picture, {"image_format": "svg"}, name="cloud_svg"),
    path("runs/<int:pk>/cloud.png", views.picture, {"image_format": "png"}, name="cloud_png"),
]

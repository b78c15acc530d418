from __future__ import annotations

from django.urls import path

from exercises import views

app_name = "exercises"

urlpatterns = [
    path("p/<str:code>/runs/<int:run_pk>/", views.submit, name="submit"),
    path("p/<str:code>/runs/<int:run_pk>/group/", views.group_stream, name="group_stream"),
    path("p/<str:code>/runs/<int:run_pk>/role/", views.choose_role, name="decide_role"),
    path("agenda/<int:pk>/exercise/", views.setup, name="setup"),
    path("days/<int:pk>/agenda/library/<str:kind>/", views.library_add, name="library_add"),
    path("runs/<int:pk>/act/<str:action>/", views.act, name="act"),
    path("runs/<int:pk>/export.csv", views.export_csv, name="export_csv"),
    path("runs/<int:pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("runs/<int:pk>/cloud.svg", views.picture, {"image_format": "svg"}, name="cloud_svg"),
    path("runs/<int:pk>/cloud.png", views.picture, {"image_format": "png"}, name="cloud_png"),
]

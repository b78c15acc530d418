from __future__ import annotations

from django.urls import path

from platforms import day_views, views

app_name = "platforms"

urlpatterns = [
    path("days/<int:pk>/results/", day_views.day_results, name="day_results"),
    path("days/<int:pk>/summary/", day_views.day_summary, name="day_summary"),
    path("days/<int:pk>/report/", day_views.day_report_request, name="day_report_request"),
    path("days/<int:pk>/reports/", day_views.day_report_status, name="day_report_status"),
    path(
        "day-reports/<int:pk>/download/",
        day_views.day_report_download,
        name="day_report_download",
    ),
    path("programmes/<int:pk>/platform/", views.platform_detail, name="platform_detail"),
    path("programmes/<int:pk>/platform/step/", views.platform_step, name="platform_step"),
    path("programmes/<int:pk>/platform/purpose/", views.purpose_edit, name="purpose_edit"),
    path("programmes/<int:pk>/platform/vision/", views.vision_edit, name="vision_edit"),
    path("programmes/<int:pk>/platform/values/add/", views.value_add, name="value_add"),
    path(
        "programmes/<int:pk>/platform/values/reorder/",
        views.values_reorder,
        name="values_reorder",
    ),
    path("programmes/<int:pk>/platform/versions/", views.versions, name="versions"),
    path("programmes/<int:pk>/platform/compare/", views.version_compare, name="version_compare"),
    path("programmes/<int:pk>/platform/brand/", views.brand_edit, name="brand_edit"),
    path("programmes/<int:pk>/platform/poster/", views.poster_preview, name="poster_preview"),
    path("programmes/<int:pk>/platform/poster/render/", views.poster_render, name="poster_render"),
    path("programmes/<int:pk>/platform/posters/", views.poster_status, name="poster_status"),
    path(
        "programmes/<int:pk>/platform/posters/showcase/",
        views.poster_showcase,
        name="poster_showcase",
    ),
    path(
        "programmes/<int:pk>/platform/posters/stream/",
        views.poster_stream,
        name="poster_stream",
    ),
    path("programmes/<int:pk>/platform/export.md", views.export_markdown, name="export_markdown"),
    path("programmes/<int:pk>/platform/export.json", views.export_json, name="export_json"),
    path(
        "programmes/<int:pk>/platform/reports/request/",
        views.report_request,
        name="report_request",
    ),
    path("programmes/<int:pk>/platform/reports/", views.report_status, name="report_status"),
    path("platform/vision/<int:pk>/choose/", views.vision_choose, name="vision_choose"),
    path("platform/values/<int:pk>/edit/", views.value_edit, name="value_edit"),
    path("platform/values/<int:pk>/delete/", views.value_delete, name="value_delete"),
    path("platform/values/<int:pk>/move/", views.value_move, name="value_move"),
    path("platform/versions/<int:pk>/name/", views.version_name, name="version_name"),
    path("platform/posters/<int:pk>/download/", views.poster_download, name="poster_download"),
    path("platform/reports/<int:pk>/download/", views.report_download, name="report_download"),
    path("platform/posters/<int:pk>/preview.png", views.poster_thumbnail, name="poster_thumbnail"),
    path("platform/runs/<int:pk>/", views.promote_preview, name="promote_preview"),
    path("platform/runs/<int:pk>/promote/", views.promote_result, name="promote_result"),
]

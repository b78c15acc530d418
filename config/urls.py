from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from workshops import views as workshop_views

urlpatterns = [
    path("", workshop_views.home, name="home"),
    path("", include("workshops.urls")),
    path("", include("exercises.urls")),
    path("", include("platforms.urls")),
    path("", include("library.urls")),
    path("", include("live.urls")),
    path("", include("personal.urls")),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from workshops import views as workshop_views

urlpatterns = [
    path("", workshop_views.home, name="home"),
    # The phones' sends first: Django tries the patterns in order, and a room sends its words
    # all at once (each pattern tried before the match cost the request time).
    path("", include("exercises.urls")),
    path("", include("workshops.urls")),
    path("", include("platforms.urls")),
    path("", include("library.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

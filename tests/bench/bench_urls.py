"""The app's URLs plus the burst benchmark's baseline: a bare view that does one INSERT."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as app_urlpatterns
from exercises.models import Submission


@csrf_exempt
def bare_insert(request, run_pk: int) -> HttpResponse:
    Submission.objects.create(
        run_id=run_pk, key="bare", text=request.POST.get("text", ""), token=uuid.uuid4()
    )
    return HttpResponse("ok")


urlpatterns = [*app_urlpatterns, path("bench/insert/<int:run_pk>/", bare_insert)]

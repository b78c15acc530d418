from __future__ import annotations

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)  # as get_asgi_application() does

from config.asgi_handler import OneTripASGIHandler  # noqa: E402

application = OneTripASGIHandler()

# Everything loaded so far (Django, the apps, compiled templates' code) lives as long as the
# process. Freezing it keeps the collector from walking it again and again while thousands of
# live streams are open, which showed up as pauses in the fan-out benchmark.
gc.freeze()

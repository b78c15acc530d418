from __future__ import annotations

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_asgi_application()

# Everything loaded so far (Django, the apps, compiled templates' code) lives as long as the
# process. Freezing it keeps the collector from walking it again and again while thousands of
# live streams are open, which showed up as pauses in the fan-out benchmark.
gc.freeze()

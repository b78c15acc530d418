"""A version that promoted an exercise's result was recorded as "taken onward: <title>"; the
key is now "promoted: <title>" (PlatformVersion.PROMOTED). Old rows get the new key, so the
history keeps reading "Taken onward from …" for them."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Left, Substr

OLD, NEW = "taken onward: ", "promoted: "


def rekey(old: str, new: str):
    def run(apps, schema_editor):
        PlatformVersion = apps.get_model("platforms", "PlatformVersion")
        PlatformVersion.objects.filter(summary__startswith=old).update(
            # The summary holds at most 200 characters (the longer old key may have cut it).
            summary=Left(Concat(Value(new), Substr("summary", len(old) + 1)), 200)
        )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("platforms", "0003_day_reports"),
    ]

    operations = [
        migrations.RunPython(rekey(OLD, NEW), rekey(NEW, OLD)),
    ]

"""Erasure and retention used to keep the words and proposals of deleted entries on their run
(run.state["kept"]["words"] and ["proposals"]), as the room's material. A word or a proposal
is its writer's text, and now leaves with them (exercises/privacy.py): this takes out what
earlier deletions kept. The counts stay."""

from django.db import migrations

TEXTS = ("words", "proposals")


def forget_kept_texts(apps, schema_editor):
    Run = apps.get_model("exercises", "Run")
    for run in Run.objects.filter(state__has_key="kept").iterator():
        kept = run.state.get("kept")
        if isinstance(kept, dict) and any(key in kept for key in TEXTS):
            run.state["kept"] = {key: value for key, value in kept.items() if key not in TEXTS}
            run.save(update_fields=["state"])


class Migration(migrations.Migration):
    dependencies = [("exercises", "0006_submission_without_slot")]

    operations = [migrations.RunPython(forget_kept_texts, migrations.RunPython.noop)]

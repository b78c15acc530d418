"""Every UI string must exist in bokmål, nynorsk and English, and the compiled files must match."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_is_complete(code):
    po = catalogue(code)
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{code}: untranslated entries: {untranslated}"
    assert not fuzzy, f"{code}: fuzzy entries: {fuzzy}"
    assert len(po) > 100


@pytest.mark.parametrize("code", LANGUAGES)
def test_placeholders_survive_translation(code):
    import re

    placeholder = re.compile(r"%\(\w+\)s")
    for entry in catalogue(code).translated_entries():
        expected = set(placeholder.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            # A singular form may say "one" instead of the number; it may drop %(count)s.
            missing = (
                expected
                - set(placeholder.findall(text))
                - {"%(count)s", "%(counter)s", "%(minutes)s"}
            )
            assert not missing, f"{code}: {entry.msgid!r} lost {missing}"


# Words spelt the same in English and Norwegian that a Norwegian editor would write (docs/sprak.md,
# rule 1). A string left as its English msgid passes only if every word in it is here.
LOAN_WORDS = {
    "administrator": "the role's name in Norwegian too",
    "agenda": "the Norwegian word for the day's plan",
    "duo": "the exercise's name: pairs",
    "trio": "a group of three, in Norwegian too",
    "for": "arguments for (and against): the same preposition",
    "igp": "the method's name (individuelt, gruppe, plenum)",
    "min": "the Norwegian abbreviation for minutes",
    "pause": "a break in the agenda, in Norwegian too",
    "person": "the same word in Norwegian",
    "send": "the imperative of sende",
    "status": "a poster's state, in Norwegian too",
    "logo": "the same word in Norwegian",
}


@pytest.mark.parametrize("code", ["nb", "nn"])
def test_norwegian_is_not_english_left_untranslated(code):
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    left = []
    for entry in catalogue(code).translated_entries():
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural[0])]
            pairs.append((entry.msgid_plural, entry.msgstr_plural[max(entry.msgstr_plural)]))
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for english, norwegian in pairs:
            if english != norwegian:
                continue
            words = re.findall(r"[^\W\d_]+", placeholder.sub("", english))
            if any(word.lower() not in LOAN_WORDS for word in words):
                left.append(english)
    assert not left, f"{code}: translate these, or add a loan word with a reason: {left}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_compiled_catalogue_is_up_to_date(code):
    po = catalogue(code)
    mo = polib.mofile(str(LOCALE / code / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo}
    for entry in po.translated_entries():
        key = (entry.msgid, entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
        assert key in compiled, f"{code}: {entry.msgid!r} is not compiled; run `make compile`"


def test_bokmal_is_the_default(db):
    assert settings.LANGUAGE_CODE == "nb"
    page = Client().get(reverse("login"))
    assert '<html lang="nb">' in page.text
    assert "Logg inn" in page.text


@pytest.mark.parametrize(
    ("code", "word"), [("nb", "Logg inn"), ("nn", "Logg inn"), ("en", "Log in")]
)
def test_language_switch_is_remembered(db, code, word):
    client = Client()
    response = client.post(reverse("set_language"), {"language": code, "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("login"))
    assert f'<html lang="{code}">' in page.text
    assert word in page.text


def test_nynorsk_is_nynorsk():
    with translation.override("nn"):
        from django.utils.translation import gettext

        assert gettext("Roster") == "Deltakarliste"
        assert gettext("There are no programmes yet.") != gettext("Programmes")


def test_every_string_in_the_code_is_in_the_catalogues(tmp_path):
    """Extract the strings afresh, in a copy of the source, and compare: a new {% translate %}
    without a catalogue entry would show English to Norwegian users."""
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have GNU gettext (xgettext) to check the catalogues.")
        pytest.skip("GNU gettext (xgettext) is not installed")
    base = Path(settings.BASE_DIR)
    for folder in (
        "config",
        "workshops",
        "exercises",
        "live",
        "platforms",
        "personal",
        "templates",
        "static/js",
    ):
        shutil.copytree(base / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(base / "manage.py", tmp_path / "manage.py")
    shutil.copytree(LOCALE / "nb", tmp_path / "locale" / "nb")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "nb", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        env=env,
        check=True,
        timeout=120,
    )
    fresh = polib.pofile(str(tmp_path / "locale/nb/LC_MESSAGES/django.po"))
    known = {(e.msgctxt, e.msgid) for e in catalogue("nb")}
    missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known)
    assert not missing, f"run `make messages` and translate: {missing}"

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

"""Every string in the Chinese catalogue is translated, so no page falls back to English."""

from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_zh_hans_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(CATALOGUE))
    assert len(catalogue) > 50
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_placeholders_survive_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
    for entry in catalogue.translated_entries():
        assert set(pattern.findall(entry.msgid)) == set(pattern.findall(entry.msgstr)), entry.msgid

#!/usr/bin/env python
"""Fill translations into a .po catalogue from a tab-separated file: msgid<TAB>msgstr.

Usage: .venv/bin/python scripts/po_fill.py locale/zh_Hans/LC_MESSAGES/django.po FILE.tsv [FILE.tsv ...]
Entries already translated are left alone unless the TSV gives a different text.
Use \\n in the TSV for a newline.
"""

import sys

import polib


def main(po_path: str, *tsv_paths: str) -> None:
    catalogue = polib.pofile(po_path, wrapwidth=0)
    pairs: dict[str, str] = {}
    for tsv_path in tsv_paths:
        with open(tsv_path, encoding="utf-8") as handle:
            for line in handle:
                line = line.rstrip("\n")
                if not line or line.startswith("#") or "\t" not in line:
                    continue
                msgid, msgstr = line.split("\t", 1)
                pairs[msgid.replace("\\n", "\n")] = msgstr.replace("\\n", "\n")
    filled = 0
    for entry in catalogue:
        if entry.msgid in pairs:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: pairs[entry.msgid]}
            else:
                entry.msgstr = pairs[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    catalogue.save(po_path)
    missing = [e.msgid for e in catalogue if not e.translated() and not e.obsolete]
    print(f"i18n: {filled} translated; {len(missing)} untranslated")
    for msgid in missing:
        print("  untranslated:", msgid.replace("\n", "\\n"))


if __name__ == "__main__":
    main(sys.argv[1], *sys.argv[2:])

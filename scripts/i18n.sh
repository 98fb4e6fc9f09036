#!/usr/bin/env bash
# Builds the Chinese catalogue: collect msgids from the code (makemessages), fill them from the
# glossaries in locale/glossary/*.tsv (the committed source of truth), compile.
# The .po/.mo files are build output, so parallel work never conflicts on them.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests --no-obsolete -v 0
.venv/bin/python scripts/po_fill.py locale/zh_Hans/LC_MESSAGES/django.po locale/glossary/*.tsv
.venv/bin/python manage.py compilemessages -l zh_Hans -v 0 --ignore=.venv

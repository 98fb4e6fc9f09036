.PHONY: setup setup-dev run test lint bench messages screenshots

setup:
	scripts/setup.sh requirements.txt

setup-dev:
	scripts/setup.sh requirements-dev.txt

run: setup
	scripts/run.sh

test: setup-dev
	scripts/test.sh

lint: setup-dev
	.venv/bin/ruff check . && .venv/bin/mypy

bench: setup-dev
	scripts/bench.sh

# Rebuild the zh_Hans catalogue from the code and locale/glossary/*.tsv; lists what is untranslated.
messages:
	scripts/i18n.sh

# PNGs of the main pages (desktop and a 360 px phone) in var/screenshots/ for reviewers.
screenshots: setup-dev
	scripts/screenshots.sh

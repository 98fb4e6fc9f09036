.PHONY: setup setup-dev run test lint bench messages

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

# Refresh the zh_Hans catalogue after adding strings; translate the new empty entries.
messages: setup-dev
	.venv/bin/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var --no-obsolete

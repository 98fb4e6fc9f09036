"""The legal matrix is generated, committed and complete: every rule has a test that shows it
refusing and one that shows it allowing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command

from illegal_building.matrix import OUTPUT, render, unproven
from illegal_building.rules import RULES


def test_every_rule_has_a_refusing_and_an_allowing_test() -> None:
    assert unproven() == []


def test_every_rule_cites_an_article_and_guards_an_act() -> None:
    for rule in RULES.values():
        assert rule.articles and rule.acts and "条" in rule.citation, rule.code
        # The refusal names its article, in Chinese (the default language).
        assert "条" in str(rule.message), rule.code


def test_the_committed_matrix_is_current(tmp_path: Path) -> None:
    committed = (Path(settings.BASE_DIR) / OUTPUT).read_text(encoding="utf-8")
    assert committed == render(), "run `python manage.py legal_matrix` and commit docs/legal-matrix.md"
    call_command("legal_matrix", "--check")


def test_a_stale_matrix_is_detected(tmp_path: Path, settings: object) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "tests").symlink_to(Path(settings.BASE_DIR) / "tests")  # type: ignore[attr-defined]
    (tmp_path / OUTPUT).write_text("# old\n", encoding="utf-8")
    settings.BASE_DIR = tmp_path  # type: ignore[attr-defined]
    try:
        call_command("legal_matrix", "--check")
    except CommandError as stale:
        assert "stale" in str(stale)
    else:
        raise AssertionError("a stale matrix passed the check")
    call_command("legal_matrix")
    call_command("legal_matrix", "--check")

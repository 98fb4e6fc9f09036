"""The legal matrix is generated, committed and complete: every rule has a test that shows it
refusing and one that shows it allowing, on the web and over the API."""

from __future__ import annotations

import importlib
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command

from illegal_building.matrix import OUTPUT, PATHS, render, tagged_tests, unproven
from illegal_building.rules import RULES


def test_every_rule_has_a_refusing_and_an_allowing_test() -> None:
    assert unproven() == []


def test_a_test_taking_a_channel_runs_on_every_path() -> None:
    """The matrix counts a test with a ``channel`` argument for both paths: it must be parametrized so."""
    base = Path(settings.BASE_DIR)
    checked = 0
    for path, node in tagged_tests():
        if not any(arg.arg == "channel" for arg in node.args.args):
            continue
        module = importlib.import_module(".".join(path.relative_to(base).with_suffix("").parts))
        marks = [*getattr(module, "pytestmark", []), *getattr(getattr(module, node.name), "pytestmark", [])]
        channels = [tuple(m.args[1]) for m in marks if m.name == "parametrize" and m.args[0] == "channel"]
        assert channels == [PATHS], (node.name, channels)
        checked += 1
    assert checked


def test_a_rule_proven_on_one_path_only_is_reported(tmp_path: Path) -> None:
    (tmp_path / "tests" / "illegal_building").mkdir(parents=True)
    (tmp_path / "tests" / "illegal_building" / "test_one_path.py").write_text(
        "@refuses('officers.two', via='web')\n@allows('officers.two', via=('web', 'api'))\n"
        "def test_web_only() -> None:\n    pass\n\n\n@refuses('party.identified')\ndef test_no_path() -> None:\n"
        "    pass\n",
        encoding="utf-8",
    )
    problems = unproven(tmp_path)
    assert "officers.two: no refusing test via API" in problems
    assert "officers.two: no refusing test via web" not in problems
    assert not [p for p in problems if p.startswith("officers.two: no allowing")]
    no_path = "tests/illegal_building/test_one_path.py::test_no_path: tags party.identified with no path"
    assert f"{no_path} (channel or via)" in problems


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

"""System checks: an official PDF must never ship with empty boxes for Chinese text."""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404  (fc-list with fixed arguments)
from typing import Any

from django.core.checks import Warning as CheckWarning
from django.core.checks import register


def cjk_font_families() -> set[str]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return set()
    result = subprocess.run(  # noqa: S603
        [fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, check=False, timeout=20
    )
    families: set[str] = set()
    for line in result.stdout.splitlines():
        families.update(name.strip() for name in line.split(","))
    return families


@register()
def check_cjk_fonts(app_configs: Any, **kwargs: Any) -> list[CheckWarning]:
    families = cjk_font_families()
    needed = {"Noto Serif CJK SC", "Noto Sans CJK SC"}
    missing = needed - families
    if missing:
        return [
            CheckWarning(
                f"CJK fonts missing: {', '.join(sorted(missing))}. Official PDFs would show empty boxes.",
                hint="Install Debian's fonts-noto-cjk (make setup does it).",
                id="workflows.W001",
            )
        ]
    return []

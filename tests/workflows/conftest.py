from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from workflows.models import User


@pytest.fixture
def demo_data(demo_users: Any, settings: Any, tmp_path: Any) -> dict[str, User]:
    """The seeded demo (seed_demo) with its accounts, for the sweeps over every page."""
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo")
    # seed_demo sets the passwords again; log in with the rows as they are now.
    return {user.username: user for user in User.objects.all()}

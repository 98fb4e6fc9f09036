from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from illegal_building.models import Case
from workflows import clock

from .helpers import Driver, at, png_bytes


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def monday() -> None:
    # Monday 2 March 2026, 10:00 in Zhaotong: an ordinary working day.
    clock.set_now(at(2026, 3, 2, 10))


@pytest.fixture
def reported(monday: None, client_as: Callable[[str], Client], demo_users: dict[str, Any]) -> Driver:
    """A case reported by `patrol` over HTTP with one photo."""
    photo = SimpleUploadedFile("site.png", png_bytes(), content_type="image/png")
    response = client_as("patrol").post(
        "/cases/cases/report/",
        {
            "county": demo_users["patrol"].county_id,
            "address": "昭阳区凤霞路19号楼顶",
            "latitude": "27.338123",
            "longitude": "103.717456",
            "description": "楼顶正在搭建彩钢板房",
            "photo": photo,
            "captured_at": "2026-03-02T09:40",
            "device": "巡查终端 HW-07",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    case = Case.objects.get()
    return Driver(client_as, demo_users, case)

"""Helpers for the permit tests: real files, the apply form, and acting on a task as its role user."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import PermitApplication
from workflows.models import County

WALL_SIGN_MATERIALS = ["application_form", "licence", "site_right", "design"]


def minimal_pdf(*objects: bytes) -> bytes:
    """A well-formed PDF (cross-reference table, startxref) from numbered object bodies; 1 is the catalogue."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj".encode() + body + b"endobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def pdf_bytes(text: str = "xiuhua") -> bytes:
    body = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode()
    return minimal_pdf(
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>",
        b"<</Length " + str(len(body)).encode() + b">>stream\n" + body + b"\nendstream ",
    )


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_upload(name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def application_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "county": County.objects.get(name="昭阳区").pk,
        "address": "昭阳区珠泉路88号临街外墙",
        "longitude": "103.717200",
        "latitude": "27.338100",
        "width_m": "4.00",
        "height_m": "1.20",
        "height_above_ground_m": "3.50",
        "material": "铝塑板",
        "lighting": "internal",
        "content": "星辰广告传媒 门头招牌",
        "period_from": "2026-12-01",
        "period_until": "2028-11-30",
        "contact_phone": "13812345678",
    }
    data.update(overrides)
    return data


def web_apply(
    client: Any, facility_type: str = "wall_sign", materials: list[str] | None = None, **overrides: Any
) -> Any:
    data = application_data(**overrides)
    for code in WALL_SIGN_MATERIALS if materials is None else materials:
        data[f"material_{code}"] = [pdf_upload(f"{code}.pdf")]
    return client.post(f"/ads/apply/{facility_type}/", data)


def latest_application() -> PermitApplication:
    return PermitApplication.objects.order_by("-pk").first()  # type: ignore[return-value]


def open_task(application: PermitApplication, node: Any = None) -> Task:
    qs = Task.objects.filter(process__permitprocess__application=application, status__in=[STATUS.NEW, STATUS.ASSIGNED])
    if node is not None:
        qs = qs.filter(flow_task=node)
    task = qs.order_by("-pk").first()
    assert task is not None, f"no open task {node} for {application}"
    return task


def web_act(client: Any, application: PermitApplication, node: Any, data: dict[str, Any]) -> Any:
    """Claim the step's task through viewflow's assign page, then submit its form."""
    task = open_task(application, node)
    if task.status == STATUS.NEW:
        response = client.post(task.reverse("assign"))
        assert response.status_code == 302, response.status_code
    response = client.get(task.reverse("execute"))
    assert response.status_code == 200, response.status_code
    return client.post(task.reverse("execute"), data)


def grant_through_web(client_as: Any, application: PermitApplication) -> None:
    assert web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"}).status_code == 302
    review = {"decision": "recommend_grant", "comment": "材料齐全，符合设置规划"}
    assert web_act(client_as("reviewer"), application, PermitFlow.review, review).status_code == 302
    assert (
        web_act(client_as("reviewer2"), application, PermitFlow.countersign, {"decision": "agree"}).status_code == 302
    )
    decide = {"decision": "grant", "comment": "符合《昭通市户外广告设置管理办法》"}
    assert web_act(client_as("chief"), application, PermitFlow.decide, decide).status_code == 302
    assert web_act(client_as("clerk"), application, PermitFlow.deliver, {"decision": "online"}).status_code == 302

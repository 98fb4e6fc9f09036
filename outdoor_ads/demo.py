"""Demo applications in different states and lights (invented companies and addresses).

Each application is keyed by its address, so ``seed_demo`` run twice adds nothing. Steps run
through the real services with the clock moved back, so clocks, documents and timelines are
what the product itself would have produced.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows import calendar, clock
from workflows.models import County, User

from . import services
from .flows import PermitFlow
from .models import MaterialRequirement, PermitApplication
from .uploads import check_upload


def _blank_pdf() -> bytes:
    # A well-formed one-page PDF: the upload policy reads PDFs with pypdf and refuses broken ones.
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


DEMO_PDF = _blank_pdf()


def _uploads(facility_type: str) -> list[tuple[str, Any]]:
    result = []
    for requirement in MaterialRequirement.objects.filter(facility_type__code=facility_type, required=True):
        upload = SimpleUploadedFile(f"{requirement.code}.pdf", DEMO_PDF, content_type="application/pdf")
        result.append((requirement.code, check_upload(upload)))
    return result


def _working_days_ago(days: int) -> dt.datetime:
    day = calendar.add_working_days(clock.today(), -days)
    return dt.datetime(day.year, day.month, day.day, 9, 30, tzinfo=timezone.get_current_timezone())


def _task(application: PermitApplication, node: Any) -> Any:
    return Task.objects.get(
        process__permitprocess__application=application, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _accept(application: PermitApplication) -> None:
    services.application_accept_decide(
        task=_task(application, PermitFlow.accept), acting_user=_user("clerk"), decision="accept"
    )


def _review(application: PermitApplication) -> None:
    services.application_review(
        task=_task(application, PermitFlow.review),
        acting_user=_user("reviewer"),
        decision="recommend_grant",
        comment="材料齐全，设置位置符合户外广告设置规划。",
    )
    services.application_countersign(
        task=_task(application, PermitFlow.countersign), acting_user=_user("reviewer2"), decision="agree", comment=""
    )


def _supplement(application: PermitApplication) -> None:
    services.application_accept_decide(
        task=_task(application, PermitFlow.accept),
        acting_user=_user("clerk"),
        decision="supplement",
        missing_items=["site_right"],
        supplement_note="租赁合同缺少出租方签章页。",
    )


def _grant(application: PermitApplication) -> None:
    _accept(application)
    _review(application)
    services.application_decide(
        task=_task(application, PermitFlow.decide),
        acting_user=_user("chief"),
        decision="grant",
        comment="符合《昭通市户外广告设置管理办法》的规定。",
    )
    services.application_deliver(
        task=_task(application, PermitFlow.deliver), acting_user=_user("clerk"), method="online"
    )


def _in_survey(application: PermitApplication) -> None:
    _accept(application)
    _review(application)


def _refuse(application: PermitApplication) -> None:
    _accept(application)
    _review(application)
    services.application_decide(
        task=_task(application, PermitFlow.decide),
        acting_user=_user("chief"),
        decision="refuse",
        comment="设置位置位于历史文化街区核心保护范围内，不符合设置规划。",
    )


# applicant, facility type, address, size (w, h, height above ground), working days ago, what then happens
DEMO: list[tuple[str, str, str, tuple[str, str, str], int, Callable[[PermitApplication], None] | None]] = [
    ("applicant", "wall_sign", "昭阳区珠泉路88号临街外墙", ("4", "1.2", "3.5"), 1, None),
    ("applicant2", "led_screen", "昭阳区龙泉路126号楼顶", ("8", "4.5", "18"), 2, _accept),
    ("applicant", "wall_sign", "昭阳区北门大街21号门头", ("3", "1", "3"), 3, _supplement),
    ("applicant2", "rooftop", "昭阳区海楼路9号楼顶", ("10", "3", "24"), 12, _in_survey),
    ("applicant", "wall_sign", "昭阳区月来路56号临街外墙", ("5", "1.5", "4"), 9, _grant),
    ("applicant2", "wall_sign", "昭阳区西街12号历史街区临街外墙", ("3", "1", "3"), 8, _refuse),
]


def seed() -> None:
    county = County.objects.get(name="昭阳区")
    for username, facility_type, address, size, days_ago, then in DEMO:
        if PermitApplication.objects.filter(address=address).exists():
            continue
        with clock.travel(_working_days_ago(days_ago)):
            application = services.application_submit(
                acting_user=_user(username),
                county=county,
                facility_type=facility_type,
                address=address,
                width_m=Decimal(size[0]),
                height_m=Decimal(size[1]),
                height_above_ground_m=Decimal(size[2]),
                material="铝塑板面层、镀锌钢骨架",
                lighting=PermitApplication.Lighting.INTERNAL,
                content="企业形象标识",
                period_from=clock.today(),
                period_until=clock.today() + dt.timedelta(days=700),
                contact_phone="13812345678",
                uploads=_uploads(facility_type),
            )
            if then is not None:
                then(application)

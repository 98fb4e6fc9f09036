"""Render every document kind with invented sample data, for review by legal staff."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows import clock
from workflows.models import County

from ...authorities import authority_for
from ...models import public_verify_url
from ...registry import KINDS
from ...rendering import render_document
from ...samples import SAMPLES


class Command(BaseCommand):
    help = "Render every document kind with sample data into --out DIR (one PDF per kind)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="directory for the PDFs (created if missing)")
        parser.add_argument(
            "--issue",
            action="store_true",
            help="issue them for real (numbered, stored, verifiable online); refused in production",
        )
        parser.add_argument("--county", default="昭阳区", help="county the samples belong to")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        try:
            county = County.objects.get(name=options["county"])
        except County.DoesNotExist as exc:
            raise CommandError(f"unknown county {options['county']}") from exc
        if options["issue"] and settings.XIUHUA_ENVIRONMENT == "production":
            raise CommandError("--issue would put sample documents on the official record; refused in production")
        for code, kind in KINDS.items():
            sample = SAMPLES[code]
            if options["issue"]:
                pdf, number, verify = self._issue(code, county, sample)
            else:
                issuer = authority_for(county=county, kind=code).snapshot()
                number = kind.format_number(issuer["number_prefix"], clock.today().year, 1)
                verify = public_verify_url("SAMPLE" + code.upper().replace("_", "")[:10])
                pdf = render_document(
                    kind=kind,
                    number=number,
                    holder_name=sample.holder_name,
                    data=sample.data,
                    issued_on=clock.today(),
                    verification_code="SAMPLE",
                    verify_url=verify,
                    county_name=county.name,
                    issuer=issuer,
                    valid_from=sample.valid_from,
                    valid_until=sample.valid_until,
                    sample=True,
                )
            path = out / f"{code}.pdf"
            path.write_bytes(pdf)
            self.stdout.write(f"{path}  {kind.title}  {number}  {verify}")

    def _issue(self, code: str, county: County, sample: Any) -> tuple[bytes, str, str]:
        from ...services import document_issue, document_pdf_bytes

        # The county row stands in as the subject: samples belong to no application or case.
        document = document_issue(
            kind=code,
            county=county,
            subject=county,
            holder_name=sample.holder_name,
            data=sample.data,
            acting_user=None,
            valid_from=sample.valid_from,
            valid_until=sample.valid_until,
        )
        # Rendered here rather than by the worker: the command hands the PDF over at once.
        return document_pdf_bytes(document), document.number, document.public_verify_url

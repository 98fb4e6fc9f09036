"""Small PDFs: one embedded CJK face, compacted to the glyphs drawn, and the page looks the same."""

from __future__ import annotations

import datetime as dt
import io

import pypdfium2 as pdfium
import pytest
from PIL import ImageChops
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from workflows.documents import pdfworker
from workflows.documents.registry import KINDS
from workflows.documents.rendering import build_html, qr_png
from workflows.documents.samples import SAMPLES

from .conftest import issue_sample, pdf_bytes, pdf_font_names, pdf_text

pytestmark = pytest.mark.django_db

ONE_PAGE_LIMIT = 60 * 1024


@pytest.mark.parametrize("kind_code", ["ad_acceptance", "ad_permit", "ad_refuse_acceptance"])
def test_a_one_page_notice_is_at_most_60_kb(kind_code, application, zhaoyang, demo_users):
    document = issue_sample(kind_code, subject=application, county=zhaoyang, demo_users=demo_users)
    pdf = pdf_bytes(document)
    assert len(pdfium.PdfDocument(pdf)) == 1
    assert len(pdf) <= ONE_PAGE_LIMIT, len(pdf)
    assert len(pdf_font_names(pdf)) == 1
    assert document.number in pdf_text(pdf)


def _font_file_subtypes(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    subtypes = set()
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        subtypes.add(str(descriptor["/FontFile3"].get_object()["/Subtype"]))
    return subtypes


def _page_images(pdf: bytes) -> list:
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].render(scale=1.5).to_pil().convert("L") for i in range(len(document))]
    finally:
        document.close()


@pytest.mark.parametrize("kind_code", ["case_demolition_decision", "ad_permit"])
def test_compacted_fonts_draw_the_same_page_in_pdfium(kind_code):
    # PDFium is Chromium's PDF engine: the compacted font must select the same glyphs by CID.
    sample = SAMPLES[kind_code]
    issuer = {"name": "鲁甸县住房和城乡建设局", "seal_name": "鲁甸县住房和城乡建设局", "review_body": "鲁甸县人民政府",
              "court": "鲁甸县人民法院"}
    html = build_html(
        kind=KINDS[kind_code], number="鲁住建责拆〔2026〕3号", holder_name=sample.holder_name, data=sample.data,
        issued_on=dt.date(2026, 3, 4), verification_code="ABCDEFGHJKMNPQRS",
        verify_url="https://xiuhua.example.invalid/verify/ABCDEFGHJKMNPQRS/", county_name="鲁甸县", issuer=issuer,
        valid_from=sample.valid_from, valid_until=sample.valid_until,
    )
    assets = {"qr.png": qr_png("https://xiuhua.example.invalid/verify/ABCDEFGHJKMNPQRS/")}

    def render(finisher):
        fetcher = pdfworker.SafeURLFetcher(assets)
        return HTML(string=html, url_fetcher=fetcher).write_pdf(font_config=FontConfiguration(), finisher=finisher)

    plain, compact = render(None), render(pdfworker.compact_fonts)
    assert len(compact) < len(plain) / 3
    assert _font_file_subtypes(plain) == {"/OpenType"} and _font_file_subtypes(compact) == {"/CIDFontType0C"}
    before, after = _page_images(plain), _page_images(compact)
    assert len(before) == len(after)
    for page_before, page_after in zip(before, after, strict=True):
        difference = ImageChops.difference(page_before, page_after)
        # identical glyphs; only anti-aliasing may differ by a few grey levels
        assert max(difference.get_flattened_data()) <= 48
    assert pdf_text(compact) == pdf_text(plain)

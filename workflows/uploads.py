"""One upload policy for every file a user hands us: permit materials and supplements, survey photos,
case evidence, the anonymous citizen report and the API.

A file is judged by its content, never by its name or the browser's type: magic bytes (``filetype``)
against the policy's types, a size cap, markup refused outright (SVG, HTML renamed .jpg), images
opened by Pillow only as far as their header to refuse pixel bombs before any decoding, PDFs
walked by pypdf to refuse active content (JavaScript, open actions, launch actions, embedded
files). The SHA-256 is computed while streaming the chunks Django already spooled to disk; no
check reads a whole file into memory. Checks run in forms and serializers (field-level messages)
and again in the services that store (nothing is written for a refused file).
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MB = 1024 * 1024
# Pillow's own guard, for every image opened anywhere in the process: beyond this it warns, beyond
# twice this it raises. Policies set lower caps; check_upload turns the warning into a refusal too.
MAX_IMAGE_PIXELS = 60_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

UPLOAD_WRONG_TYPE = _("“%(name)s” is not a JPEG, PNG or PDF file (judged by its content, not its name).")
UPLOAD_WRONG_TYPE_IMAGE = _("“%(name)s” is not a JPEG or PNG photo (judged by its content, not its name).")
UPLOAD_WRONG_TYPE_EVIDENCE = _(
    "“%(name)s” is not a JPEG or PNG photo, an MP4 video or a PDF scan (judged by its content, not its name)."
)
UPLOAD_TOO_LARGE = _("“%(name)s” is larger than %(limit)s MB.")
UPLOAD_EMPTY = _("“%(name)s” is empty.")
UPLOAD_TOO_MANY = _("At most %(limit)s files may be uploaded for this item.")
UPLOAD_REQUIRED = _("This material is required.")
UPLOAD_MARKUP = _("“%(name)s” contains web page or SVG markup, which is not accepted.")
UPLOAD_IMAGE_TOO_BIG = _("“%(name)s” has too many pixels (at most %(limit)s million).")
UPLOAD_IMAGE_BROKEN = _("“%(name)s” is not a readable image.")
UPLOAD_PDF_ACTIVE = _("“%(name)s” contains active content (scripts, automatic actions or embedded files).")
UPLOAD_PDF_BROKEN = _("“%(name)s” is not a readable PDF, or it is encrypted.")

# filetype's MIME → the extension we store under (the stored name never comes from the user).
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/pdf": "pdf",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
}
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})

# Markup anywhere in the first bytes: an SVG, or an HTML page renamed .jpg, or a polyglot.
MARKUP_RE = re.compile(rb"<\s*(?:svg|html|script|body|iframe|!doctype\s+html)\b", re.IGNORECASE)
HEAD_BYTES = 8192

# PDF dictionary keys that make a viewer act on its own, and action types that run or open things.
PDF_ACTIVE_KEYS = frozenset({"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFile",
                             "/EmbeddedFiles", "/RichMedia", "/XFA"})
PDF_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute", "/SubmitForm"})
PDF_MAX_OBJECTS = 100_000


@dataclass(frozen=True)
class UploadPolicy:
    """What one kind of upload may be. The anonymous citizen form gets the strictest."""

    code: str
    types: frozenset[str]
    wrong_type_message: Any
    max_bytes: int
    max_pixels: int
    max_files: int = 5
    extensions: dict[str, str] = field(default_factory=lambda: EXTENSIONS)


MATERIALS = UploadPolicy(
    code="materials",
    types=frozenset({"image/jpeg", "image/png", "application/pdf"}),
    wrong_type_message=UPLOAD_WRONG_TYPE,
    max_bytes=10 * MB,
    max_pixels=50_000_000,
)
SURVEY_PHOTOS = UploadPolicy(
    code="survey_photos",
    types=IMAGE_TYPES,
    wrong_type_message=UPLOAD_WRONG_TYPE_IMAGE,
    max_bytes=15 * MB,
    max_pixels=50_000_000,
    max_files=10,
)
STAFF_EVIDENCE = UploadPolicy(
    code="staff_evidence",
    types=frozenset({"image/jpeg", "image/png", "application/pdf", "video/mp4", "video/quicktime"}),
    wrong_type_message=UPLOAD_WRONG_TYPE_EVIDENCE,
    max_bytes=40 * MB,
    max_pixels=50_000_000,
    max_files=10,
)
PUBLIC_REPORT = UploadPolicy(
    code="public_report",
    types=IMAGE_TYPES,
    wrong_type_message=UPLOAD_WRONG_TYPE_IMAGE,
    max_bytes=8 * MB,
    max_pixels=25_000_000,
    max_files=1,
)


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed a policy; ``sha256`` is of the bytes exactly as uploaded."""

    file: Any
    original_name: str
    mime_type: str
    extension: str
    size: int
    sha256: str
    policy: str = ""


def _refuse(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params)


def _stream_sha256(upload: Any) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check_image(upload: Any, name: str, policy: UploadPolicy) -> None:
    too_big = _refuse(UPLOAD_IMAGE_TOO_BIG, "image_too_big", name=name, limit=policy.max_pixels // 1_000_000)
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; here that is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:  # reads the header only; no pixel is decoded
                width, height = image.size
                if width * height > policy.max_pixels:
                    raise too_big
                image.verify()  # structure and checksums, still without decoding the pixels
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise too_big from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _refuse(UPLOAD_IMAGE_BROKEN, "image_broken", name=name) from exc
    finally:
        upload.seek(0)


def pdf_has_active_content(reader: PdfReader) -> bool:
    """Walk every object reachable from the document catalogue looking for actions and scripts."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            return True  # too convoluted to vouch for
        if isinstance(node, DictionaryObject):
            for name, value in node.items():
                if name in PDF_ACTIVE_KEYS:
                    return True
                if name == "/S" and isinstance(value, NameObject) and value in PDF_ACTIVE_ACTIONS:
                    return True
                if name in ("/Parent", "/P"):
                    continue  # back-references; the parent is reached from the root anyway
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def _check_pdf(upload: Any, name: str) -> None:
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise _refuse(UPLOAD_PDF_BROKEN, "pdf_broken", name=name)
        active = pdf_has_active_content(reader)
    except ValidationError:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise _refuse(UPLOAD_PDF_BROKEN, "pdf_broken", name=name) from exc
    finally:
        upload.seek(0)
    if active:
        raise _refuse(UPLOAD_PDF_ACTIVE, "pdf_active", name=name)


def check_upload(upload: Any, *, policy: UploadPolicy) -> CheckedUpload:
    """Raise ValidationError (a Chinese message naming the file) unless ``upload`` meets ``policy``."""
    if isinstance(upload, CheckedUpload):
        return upload
    name = (getattr(upload, "name", "") or "upload").replace("\\", "/").rsplit("/", 1)[-1][-200:]
    size = getattr(upload, "size", 0) or 0
    if size <= 0:
        raise _refuse(UPLOAD_EMPTY, "empty", name=name)
    if size > policy.max_bytes:
        raise _refuse(UPLOAD_TOO_LARGE, "too_large", name=name, limit=policy.max_bytes // MB)
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if MARKUP_RE.search(head):
        raise _refuse(UPLOAD_MARKUP, "markup", name=name)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in policy.types:
        raise _refuse(policy.wrong_type_message, "wrong_type", name=name)
    if kind.mime in IMAGE_TYPES:
        _check_image(upload, name, policy)
    elif kind.mime == "application/pdf":
        _check_pdf(upload, name)
    return CheckedUpload(
        file=upload,
        original_name=name,
        mime_type=kind.mime,
        extension=policy.extensions[kind.mime],
        size=size,
        sha256=_stream_sha256(upload),
        policy=policy.code,
    )


def check_uploads(uploads: list[Any], *, policy: UploadPolicy, limit: int | None = None) -> list[CheckedUpload]:
    """Check several files; every refusal is reported, not just the first."""
    limit = policy.max_files if limit is None else limit
    if len(uploads) > limit:
        raise ValidationError(UPLOAD_TOO_MANY, code="too_many", params={"limit": limit})
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload, policy=policy))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return checked


# --- Form fields: clean to CheckedUpload, refusals as the field's own messages --------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _accept(policy: UploadPolicy) -> str:
    return ",".join(sorted(policy.types))


class UploadField(forms.FileField):
    """One file checked against ``policy``; cleans to a CheckedUpload (or None when optional and empty)."""

    def __init__(self, *args: Any, policy: UploadPolicy, **kwargs: Any) -> None:
        self.policy = policy
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": _accept(policy)}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> CheckedUpload | None:
        upload = super().clean(data, initial)
        if not upload:
            return None
        return check_upload(upload, policy=self.policy)


class MultipleUploadField(forms.FileField):
    """Several files in one field, each checked against ``policy``; cleans to a list of CheckedUpload."""

    def __init__(self, *args: Any, policy: UploadPolicy, **kwargs: Any) -> None:
        self.policy = policy
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": _accept(policy)}))
        super().__init__(*args, **kwargs)

    def to_python(self, data: Any) -> Any:
        return data

    def clean(self, data: Any, initial: Any = None) -> list[CheckedUpload]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(UPLOAD_REQUIRED, code="required")
            return []
        return check_uploads(files, policy=self.policy)

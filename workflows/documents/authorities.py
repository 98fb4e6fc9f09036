"""Who issues a county's documents: selectors over the admin-edited authority data.

Lookup order for a county and kind: an assignment for that county and kind, then the county's
assignment for every kind, then the default authority. Nothing about any particular city is in
code: the initial data is ``seed/authorities.json``, loaded by the migration
``0002_docs_issuing_authorities``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from workflows.models import County
from workflows.requestcache import memo

from .models import AuthorityAssignment, IssuingAuthority

NO_AUTHORITY = _("No issuing authority is configured for %(county)s; an administrator must add one.")


class AuthorityMissing(LookupError):
    pass


def authority_for(*, county: County, kind: str = "") -> IssuingAuthority:
    """The authority issuing ``kind`` documents for ``county``.

    The county's assignments for every kind are read in one query, once per request: a step
    issuing a decision and a permit looks both up in the same rows.
    """
    assignments = memo(("documents.authorities", county.pk), lambda: _assignments_of(county))
    found = assignments.get(kind) or assignments.get("")
    if found is not None:
        return found
    default = memo(("documents.default_authority",), _default_authority)
    if default is None:
        raise AuthorityMissing(str(NO_AUTHORITY % {"county": county.name}))
    return default


def _assignments_of(county: County) -> dict[str, IssuingAuthority]:
    """{kind: authority} of the county's assignments ("" for every kind)."""
    rows = AuthorityAssignment.objects.select_related("authority").filter(county=county)
    return {row.kind: row.authority for row in rows}


def _default_authority() -> IssuingAuthority | None:
    return IssuingAuthority.objects.filter(is_default=True).first()


def site_authority_name() -> str:
    """The default authority's name: the header of the site and of its public pages.

    One indexed query, not cached: a page costs the same number of queries every time (and an
    edit in the admin shows at once in every process).
    """
    return IssuingAuthority.objects.filter(is_default=True).values_list("name", flat=True).first() or ""


SEED_FILE = Path(__file__).resolve().parent / "seed" / "authorities.json"


def seed_authorities(authority_model: Any, assignment_model: Any, county_model: Any) -> int:
    """Load the initial authorities from ``seed/authorities.json`` into an empty table.

    Used by the migration (with historical models) and by ``ensure_authorities``; it never
    touches a table that already holds data, so admin edits always win.
    """
    if authority_model.objects.exists():
        return 0
    seed = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    counties = {county.code: county for county in county_model.objects.all()}
    for row in seed["authorities"]:
        fields = {key: value for key, value in row.items() if key != "counties"}
        authority = authority_model.objects.create(**fields)
        for code in row["counties"]:
            if code in counties:
                assignment_model.objects.create(county=counties[code], kind="", authority=authority)
    return len(seed["authorities"])


def ensure_authorities() -> None:
    """Idempotent: the migration seeds them; a flushed test database gets them back here."""
    seed_authorities(IssuingAuthority, AuthorityAssignment, County)

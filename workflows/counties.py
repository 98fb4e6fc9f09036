"""The city's 11 county-level jurisdictions (domain §0): division code, name, short name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import County

COUNTIES = [
    ("530602", "昭阳区", "昭阳"),
    ("530621", "鲁甸县", "鲁甸"),
    ("530622", "巧家县", "巧家"),
    ("530623", "盐津县", "盐津"),
    ("530624", "大关县", "大关"),
    ("530625", "永善县", "永善"),
    ("530626", "绥江县", "绥江"),
    ("530627", "镇雄县", "镇雄"),
    ("530628", "彝良县", "彝良"),
    ("530629", "威信县", "威信"),
    ("530681", "水富市", "水富"),
]


def ensure_counties() -> None:
    """Idempotent: the migration seeds them; a flushed test database gets them back here."""
    from .models import County

    for order, (code, name, short) in enumerate(COUNTIES):
        County.objects.update_or_create(code=code, defaults={"name": name, "short_name": short, "order": order})


def county_by_pk(pk: int | None) -> County | None:
    """The county row, read once per request (``workflows.requestcache``): counties are reference data."""
    from .models import County
    from .requestcache import memo

    if pk is None:
        return None
    return memo(("county", pk), lambda: County.objects.filter(pk=pk).first())


def note_county(county: County | None) -> None:
    """A county row the request read anyway (joined to its subject): ``county_by_pk`` answers from it."""
    from .requestcache import remember

    if county is not None:
        remember(("county", county.pk), county)


def county_of(obj: Any) -> County:
    """``obj.county`` (an object of one county) from the request's reference data, not its own query."""
    if obj._meta.get_field("county").is_cached(obj):
        return obj.county  # type: ignore[no-any-return]
    county = county_by_pk(obj.county_id)
    return obj.county if county is None else county  # type: ignore[no-any-return]

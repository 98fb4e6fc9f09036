"""The workbench's tiles: the counts a role starts its day with, each a link to the work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.flow.viewset import FlowAppViewset

from .flowviews import inbox_tasks, queue_tasks
from .worklist import light_counts, worklist_rows

# Where each kind of new work starts: (permission, URL name, label). A process app that has
# no start page yet is skipped, so the list can name pages still being built.
NEW_WORK: list[tuple[str, str, str | Promise]] = [
    ("outdoor_ads.add_permitapplication", "ads:apply", _("New permit application")),
]


@dataclass(frozen=True)
class Tile:
    key: str
    label: str | Promise
    url: str
    icon: str
    count: int | None = None
    note: str | Promise = ""
    alert: bool = False
    lights: dict[str, int] | None = None  # tasks per light of their step clock, for work-list tiles


def _flow_viewsets(site: Any) -> list[FlowAppViewset]:
    return [viewset for viewset in getattr(site, "viewsets", []) if isinstance(viewset, FlowAppViewset)]


def home_tiles(*, user: Any, site: Any) -> list[Tile]:
    tiles: list[Tile] = []
    for permission, url_name, label in NEW_WORK:
        if user.has_perm(permission):
            try:
                tiles.append(Tile("new-" + url_name.replace(":", "-"), label, reverse(url_name), "add_circle"))
            except NoReverseMatch:
                continue
    for viewset in _flow_viewsets(site):
        flow_class = viewset._flow_class
        if not viewset.has_view_permission(user):  # the app's permission, as for its menu
            continue
        title = flow_class.process_title
        # Only tasks on subjects the user may see: a county's staff never count another county's.
        # One aggregate per list gives the count and the count per light.
        inbox = light_counts(inbox_tasks(user, flow_class))
        queue = light_counts(queue_tasks(user, flow_class))
        label = flow_class.instance.flow_label
        tiles.append(
            Tile(
                f"inbox-{label}",
                _("My tasks"),
                viewset.reverse("inbox"),
                "inbox",
                inbox["total"],
                title,
                alert=inbox["red"] > 0,
                lights=inbox,
            )
        )
        tiles.append(
            Tile(
                f"queue-{label}",
                _("Waiting to be claimed"),
                viewset.reverse("queue"),
                "schedule",
                queue["total"],
                title,
                alert=queue["red"] > 0,
                lights=queue,
            )
        )
    from .sla.selectors import escalations_for, unread_count

    unread = unread_count(user)
    tiles.append(
        Tile("notifications", _("Unread notifications"), reverse("sla:notifications"), "notifications", unread)
    )
    if user.has_perm("workflows.view_supervision"):
        escalated = escalations_for(user).count()
        tiles.append(
            Tile(
                "escalations",
                _("Escalated to me"),
                reverse("sla:escalations"),
                "priority_high",
                escalated,
                alert=escalated > 0,
            )
        )
        tiles.append(Tile("supervision", _("Supervision dashboard"), reverse("sla:index"), "insights"))
    return tiles


WORKBENCH_ROWS = 10


def most_urgent_work(*, user: Any) -> list[dict[str, Any]]:
    """The user's inbox and claimable queue across every process, earliest due date first.

    The task API's query (one, plus one for the page's step clocks), cut to the first rows; the
    columns are the work lists' own.
    """
    from .taskapi import open_tasks_for

    return worklist_rows(open_tasks_for(user)[:WORKBENCH_ROWS], user=user)

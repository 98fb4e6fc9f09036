"""Hooks of the time engine that process apps listen to (connect them in ``AppConfig.ready``).

The engine imports no process app: when something a deadline depends on changes, it sends a
signal and the apps that copied, printed or promised that date react.

``deadline_moved`` is sent once per open clock whose due date (or statutory due date) changed
because the working-day calendar changed: an administrator entered or corrected a year's holiday
schedule and the recompute job (``workflows.sla.tasks.recompute_clocks``) found a different date.
Keyword arguments:

- ``clock``: the ``Clock``, already carrying the new dates (saved in the same transaction);
- ``old_due`` / ``new_due``: the due date before and after;
- ``old_statutory_due`` / ``new_statutory_due``: the statutory due date before and after (or None);
- ``acting_user``: the administrator who saved the schedule (or None);
- ``year``: the year whose schedule changed.

Listeners run inside the job's transaction for a small batch of clocks, after the clock's
audit row and its holder's notification: whatever they write commits or rolls back with the new
date, and a listener that raises makes the job retry the batch (so listeners must be idempotent).
They must do slow work (rendering a correction notice, sending to a party) after commit with
``transaction.on_commit`` and must not lock a process row (the job holds clock rows; the
documented order is process, then clock). Correction notices (document kind
``deadline_correction``) for served documents that stated the old date are issued by the
documents engine's receiver (``workflows.documents.corrections``), which asks the quote finders
the process apps register which of their documents state this clock.
"""

from __future__ import annotations

from django.dispatch import Signal

deadline_moved = Signal()

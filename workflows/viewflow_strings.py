"""viewflow's own screen texts that its zh_Hans catalogue (2.4) leaves untranslated.

Listing them here puts them into our catalogue at `make messages`; our catalogue comes first
(LOCALE_PATHS), so locale/glossary/ux.tsv translates the inbox, queue, task and process pages
viewflow draws. Only texts a user of this product actually sees are listed.
"""

from django.utils.translation import gettext_noop as _
from django.utils.translation import pgettext_lazy

VIEWFLOW_SCREEN_TEXTS = (
    # site and flow menus
    _("Applications"),
    _("Dashboard"),
    _("Inbox"),
    _("Queue"),
    _("Archive"),
    _("Back"),
    _("Profile"),
    _("Log out"),
    _("Login"),
    # process dashboard, lists and details
    _("No rights to execute"),
    _("Created"),
    _("Assigned"),
    _("Execute"),
    _("Assign"),
    _("View"),
    _("Show all"),
    _("Finished"),
    _("Process list"),
    _("Description"),
    _("Owner"),
    _("Started"),
    _("Status"),
    _("Start"),
    _("Start and continue"),
    _("Execute and continue"),
    _("Assign and continue"),
    _("Previous tasks"),
    _("No previous tasks"),
    _("Next tasks"),
    _("No next tasks"),
    _("Revive"),
    _("Unassign"),
    _("Undo"),
    _("Cancel"),
    _("Confirm"),
    _("Save"),
    _("Submit"),
    _("Filter"),
    _("Pick an action"),
    _("Assign selected tasks"),
    _("Unassign selected tasks"),
    _("Task"),
    _("Brief"),
    _("Process brief"),
    _("confirm"),
    _("New process"),
    _("Processes"),
    _("Process"),
    _("Tasks"),
    _("Flow"),
    _("Type"),
    _("You have no rights to view this task"),
    _("Export BPMN"),
    # task and process statuses
    _("New"),
    _("Done"),
    _("Canceled"),
    _("Error"),
    _("Revived"),
    _("Scheduled"),
    _("Active"),
    _("Completed"),
    # messages after an action
    _("Task {task} has been assigned."),
    _("Task {task} has been unassigned."),
    _("Task {task} has been canceled."),
    _("Task {task} has been undone."),
    _("Task {task} has been revived."),
    _("Task {task} has been completed."),
    _("Process {process} has been started."),
)

# django-filter's date-range choices (the process lists' filter): its zh_Hans catalogue lacks this one.
DJANGO_FILTER_TEXTS = (_("Yesterday"),)

# viewflow's task and process statuses carry the message context "STATUS".
VIEWFLOW_STATUS_TEXTS = (
    pgettext_lazy("STATUS", "New"),
    pgettext_lazy("STATUS", "Done"),
    pgettext_lazy("STATUS", "Canceled"),
    pgettext_lazy("STATUS", "Error"),
    pgettext_lazy("STATUS", "Revived"),
    pgettext_lazy("STATUS", "Scheduled"),
    pgettext_lazy("STATUS", "Started"),
    pgettext_lazy("STATUS", "Assigned"),
)


def label_viewflow_columns() -> None:
    """Column headers viewflow derives from attribute names ("Brief", "Process summary").

    viewflow's lists read ``short_description`` from a column's function or property; naming
    them here puts the headers through the catalogue like every other word.
    """
    from django.utils.translation import gettext_lazy
    from viewflow.workflow.flow.views import dashboard
    from viewflow.workflow.flow.views import list as flow_lists
    from viewflow.workflow.models import AbstractProcess, AbstractTask

    for model in (AbstractTask, AbstractProcess):
        model.brief.fget.short_description = gettext_lazy("Brief")  # type: ignore[attr-defined]
    flow_lists.FlowArchiveListView.process_summary.short_description = gettext_lazy("Process")  # type: ignore[attr-defined]
    dashboard.DashboardTaskListView.process_summary.short_description = gettext_lazy("Process")  # type: ignore[attr-defined]
    dashboard.DashboardProcessListView.process_id.short_description = gettext_lazy("Number")  # type: ignore[attr-defined]
    dashboard.DashboardProcessListView.active_tasks.short_description = gettext_lazy("Open tasks")  # type: ignore[attr-defined]

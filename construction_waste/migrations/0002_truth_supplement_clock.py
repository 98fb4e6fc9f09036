# The supplement period moves from a stored date to a clock (licensing.clocks): open supplements
# keep the date their notice stated in a new clock, then the column goes.

from django.db import migrations

from licensing.migration_ops import supplement_clocks_to_due, supplement_due_to_clocks


class Migration(migrations.Migration):
    dependencies = [
        ("construction_waste", "0001_kernel_initial"),
        ("sla", "0002_calendar_schedule_recomputed_at"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(supplement_due_to_clocks("construction_waste"), supplement_clocks_to_due("construction_waste")),
        migrations.RemoveField(model_name="permitapplication", name="supplement_due"),
    ]

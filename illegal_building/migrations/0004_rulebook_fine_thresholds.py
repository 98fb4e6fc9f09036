"""Default hearing thresholds for fines (APL art. 63 "较大数额"), editable in the admin afterwards.

住房和城乡建设行政处罚程序规定 (2022, 住建部令第55号) art. 34: a fine of 50,000 yuan or more on a
natural person, 200,000 yuan or more on a legal person or other organisation.
"""

from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    ("person", Decimal("50000.00")),
    ("organisation", Decimal("200000.00")),
]
BASIS = "《住房和城乡建设行政处罚程序规定》第三十四条"


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    FineThreshold = apps.get_model("illegal_building", "FineThreshold")
    for kind, amount in DEFAULTS:
        FineThreshold.objects.get_or_create(party_kind=kind, defaults={"amount": amount, "basis": BASIS})


class Migration(migrations.Migration):
    dependencies = [("illegal_building", "0003_rulebook_penalty_service_finality")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outdoor_ads", "0006_scale_visibility_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="hearing",
            name="waived_on",
            field=models.DateField(blank=True, null=True, verbose_name="hearing waived by the applicant on"),
        ),
        migrations.AddField(
            model_name="hearing",
            name="waiver_statement",
            field=models.TextField(blank=True, verbose_name="applicant's written waiver"),
        ),
    ]

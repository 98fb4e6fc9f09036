"""好差评 on five levels: the former three-level values map onto the new scale."""

from django.db import migrations, models

# satisfied stays satisfied; "fairly satisfied" is the middle level; unsatisfied stays.
FORWARD = {"fair": "basic"}
BACKWARD = {"very_satisfied": "satisfied", "basic": "fair", "very_unsatisfied": "unsatisfied"}


def forward(apps, schema_editor):
    Rating = apps.get_model("outdoor_ads", "Rating")
    for old, new in FORWARD.items():
        Rating.objects.filter(score=old).update(score=new)


def backward(apps, schema_editor):
    Rating = apps.get_model("outdoor_ads", "Rating")
    for new, old in BACKWARD.items():
        Rating.objects.filter(score=new).update(score=old)


class Migration(migrations.Migration):
    dependencies = [("outdoor_ads", "0005_neighbours")]

    operations = [
        migrations.AlterField(
            model_name="rating",
            name="score",
            field=models.CharField(
                choices=[
                    ("very_satisfied", "Very satisfied"),
                    ("satisfied", "Satisfied"),
                    ("basic", "Basically satisfied"),
                    ("unsatisfied", "Unsatisfied"),
                    ("very_unsatisfied", "Very unsatisfied"),
                ],
                max_length=20,
                verbose_name="rating",
            ),
        ),
        migrations.RunPython(forward, backward),
        # Field names the process page shows (viewflow lists a process's fields by verbose name).
        migrations.AlterField(
            model_name="permitprocess",
            name="acceptance",
            field=models.CharField(
                blank=True,
                choices=[
                    ("accept", "Accept"),
                    ("supplement", "Request supplementary materials (one-time notice)"),
                    ("refuse", "Refuse to accept"),
                ],
                max_length=20,
                verbose_name="acceptance decision",
            ),
        ),
        migrations.AlterField(
            model_name="permitprocess",
            name="supplement_answered",
            field=models.BooleanField(default=False, verbose_name="supplement answered"),
        ),
        migrations.AlterField(
            model_name="permitprocess",
            name="countersigned",
            field=models.BooleanField(default=False, verbose_name="countersigned"),
        ),
        migrations.AlterField(
            model_name="permitprocess", name="granted", field=models.BooleanField(null=True, verbose_name="granted")
        ),
    ]

"""Issuing authorities as data; PDFs rendered after commit; number series keyed by prefix.

Seeds the authorities from ``workflows/documents/seed/authorities.json``: the city bureau
(default authority, also explicitly assigned to the seat district) and the county-level
bureaus, each assigned to its county for every kind. Existing
documents keep their PDFs (rendered_at = issued_at) and get the snapshot of the authority whose
prefix they carry; counters are rebuilt per printed prefix from the documents on record.
"""

import django.db.models.deletion
from django.db import migrations, models

KIND_CHOICES = [('', 'Every kind'), ('ad_acceptance', '受理通知书'), ('ad_supplement', '补正材料通知书'), ('ad_refuse_acceptance', '不予受理通知书'), ('ad_hearing_notice', '听证告知书'), ('ad_extension', '延长审查期限告知书'), ('ad_grant', '准予行政许可决定书'), ('ad_permit', '户外广告设施设置许可证'), ('ad_refusal', '不予行政许可决定书'), ('case_site_inspection', '现场检查笔录'), ('case_stop_order', '责令停止违法行为通知书'), ('case_prior_notice', '行政处罚事先告知书'), ('case_legal_review', '法制审核意见书'), ('case_correction_decision', '责令限期改正决定书'), ('case_demolition_decision', '责令限期拆除决定书'), ('case_service_record', '送达回证'), ('case_reminder', '催告书'), ('case_coercive_decision', '强制拆除决定书'), ('case_announcement', '强制拆除公告'), ('case_closing_report', '结案报告')]
SNAPSHOT_FIELDS = ("name", "seal_name", "number_prefix", "address", "phone", "review_body", "court", "sms_sign")


def seed(apps, schema_editor):
    from workflows.documents.authorities import seed_authorities

    seed_authorities(
        apps.get_model("documents", "IssuingAuthority"),
        apps.get_model("documents", "AuthorityAssignment"),
        apps.get_model("workflows", "County"),
    )


def backfill(apps, schema_editor):
    Authority = apps.get_model("documents", "IssuingAuthority")
    Document = apps.get_model("documents", "IssuedDocument")
    Counter = apps.get_model("documents", "DocumentCounter")
    authorities = list(Authority.objects.all())
    last: dict[tuple[str, int], int] = {}
    for document in Document.objects.all().iterator():
        series = document.number.split("〔", 1)[0]
        authority = next((a for a in authorities if series.startswith(a.number_prefix)), None)
        if authority is not None:
            document.authority = authority
            document.issuer = {"id": authority.pk, **{f: getattr(authority, f) for f in SNAPSHOT_FIELDS}}
        document.rendered_at = document.issued_at if document.pdf else None
        document.save(update_fields=["authority", "issuer", "rendered_at"])
        key = (series, document.year)
        last[key] = max(last.get(key, 0), document.sequence)
    Counter.objects.all().delete()
    Counter.objects.bulk_create(
        [Counter(prefix=prefix, year=year, last_sequence=n) for (prefix, year), n in last.items()]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("workflows", "0002_counties_and_audit_guard"),
    ]

    operations = [
        migrations.CreateModel(
            name="IssuingAuthority",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                ("seal_name", models.CharField(max_length=100, verbose_name="name on the seal")),
                (
                    "number_prefix",
                    models.CharField(
                        help_text="Agency part of the document number, before the kind code, e.g. 鲁住建.",
                        max_length=20,
                        unique=True,
                        verbose_name="document number prefix",
                    ),
                ),
                ("address", models.CharField(blank=True, max_length=200, verbose_name="address")),
                ("phone", models.CharField(blank=True, max_length=40, verbose_name="telephone")),
                (
                    "review_body",
                    models.CharField(
                        help_text="The people's government at the same level as this authority (Administrative Review Law 2023).",
                        max_length=100,
                        verbose_name="administrative review body",
                    ),
                ),
                ("court", models.CharField(max_length=100, verbose_name="competent court")),
                (
                    "sms_sign",
                    models.CharField(
                        help_text="Shown in brackets at the start of text messages.",
                        max_length=20,
                        verbose_name="SMS signature",
                    ),
                ),
                (
                    "is_default",
                    models.BooleanField(
                        default=False,
                        help_text="Runs this site and issues for every county and kind not assigned to another authority.",
                        verbose_name="default authority",
                    ),
                ),
            ],
            options={
                "verbose_name": "issuing authority",
                "verbose_name_plural": "issuing authorities",
                "ordering": ["-is_default", "name"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("is_default", True)),
                        fields=("is_default",),
                        name="documents_one_default_authority",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AuthorityAssignment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(blank=True, choices=KIND_CHOICES, max_length=40, verbose_name="document kind")),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assignments",
                        to="documents.issuingauthority",
                        verbose_name="issuing authority",
                    ),
                ),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="workflows.county",
                        verbose_name="county",
                    ),
                ),
            ],
            options={
                "verbose_name": "authority assignment",
                "verbose_name_plural": "authority assignments",
                "ordering": ["county__order", "kind"],
                "constraints": [models.UniqueConstraint(fields=("county", "kind"), name="documents_assignment_unique")],
            },
        ),
        # --- documents: issuer snapshot, render state ---
        migrations.RemoveConstraint(model_name="issueddocument", name="documents_sequence_unique"),
        migrations.AddField(
            model_name="issueddocument",
            name="authority",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="documents.issuingauthority",
                verbose_name="issuing authority",
            ),
        ),
        migrations.AddField(
            model_name="issueddocument",
            name="issuer",
            field=models.JSONField(default=dict, verbose_name="issuer at issue time"),
        ),
        migrations.AddField(
            model_name="issueddocument",
            name="rendered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="rendered at"),
        ),
        migrations.AddField(
            model_name="issueddocument",
            name="render_attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="render attempts"),
        ),
        migrations.AddField(
            model_name="issueddocument",
            name="render_error",
            field=models.TextField(blank=True, verbose_name="last render error"),
        ),
        migrations.AlterField(
            model_name="issueddocument",
            name="pdf",
            field=models.FileField(blank=True, upload_to="documents/%Y/", verbose_name="PDF"),
        ),
        migrations.AlterField(
            model_name="issueddocument",
            name="sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="SHA-256"),
        ),
        migrations.AlterField(
            model_name="issueddocument",
            name="template_version",
            field=models.CharField(blank=True, max_length=80, verbose_name="template version"),
        ),
        migrations.AddIndex(
            model_name="issueddocument",
            index=models.Index(
                condition=models.Q(("rendered_at__isnull", True)), fields=["issued_at"], name="documents_unrendered"
            ),
        ),
        # --- counters keyed by the printed prefix ---
        migrations.RemoveConstraint(model_name="documentcounter", name="documents_counter_unique"),
        migrations.AddField(
            model_name="documentcounter",
            name="prefix",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RemoveField(model_name="documentcounter", name="kind"),
        migrations.RemoveField(model_name="documentcounter", name="county"),
        migrations.AddConstraint(
            model_name="documentcounter",
            constraint=models.UniqueConstraint(fields=("prefix", "year"), name="documents_counter_series_unique"),
        ),
    ]

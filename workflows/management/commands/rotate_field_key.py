"""Re-encrypt every encrypted field under the primary XIUHUA_FIELD_KEY.

Run after putting a new key in XIUHUA_FIELD_KEY and the previous one in XIUHUA_FIELD_KEY_OLD; when
it reports nothing left to rotate, the old key can be removed from the environment.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models.functions import Cast

from workflows import crypto

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt stored ID numbers and other encrypted fields under the primary field key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would be re-encrypted, change nothing")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        total = 0
        for model, name in crypto.encrypted_fields():
            rotated = self.rotate_field(model, name, dry_run=dry_run)
            total += rotated
            self.stdout.write(f"{model._meta.label}.{name}: {rotated} re-encrypted")
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        self.stdout.write(self.style.SUCCESS(f"{total} values {verb} under the primary field key"))

    def rotate_field(self, model: type[models.Model], name: str, *, dry_run: bool) -> int:
        manager = model._base_manager
        # Read the stored token, not the decrypted value: a plain-text cast skips from_db_value.
        raw = Cast(name, output_field=models.TextField())
        pks = list(manager.exclude(**{f"{name}__isnull": True}).exclude(**{name: ""}).values_list("pk", flat=True))
        count = 0
        for start in range(0, len(pks), BATCH):
            with transaction.atomic():
                rows = (
                    manager.select_for_update()
                    .filter(pk__in=pks[start : start + BATCH])
                    .annotate(_raw=raw)
                    .values_list("pk", "_raw")
                )
                for pk, token in rows:
                    if not token or not crypto.needs_rotation(token):
                        continue
                    try:
                        fresh = crypto.rotate(token)
                    except ValueError as exc:
                        raise CommandError(f"{model._meta.label} #{pk}.{name}: {exc}") from exc
                    count += 1
                    if not dry_run:
                        # An expression is written as is; a plain value would be encrypted a second time.
                        manager.filter(pk=pk).update(**{name: models.Value(fresh, output_field=models.TextField())})
        return count

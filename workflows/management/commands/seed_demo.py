from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workflows.demo import DEMO_ACCOUNTS, seed_accounts
from workflows.management.commands.sync_roles import sync_roles


class Command(BaseCommand):
    help = "Load demo accounts and sample data (idempotent; refused in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.XIUHUA_ENVIRONMENT == "production":
            raise CommandError("seed_demo is refused under production settings: it creates known passwords.")
        sync_roles()
        seed_accounts()
        for app_config in apps.get_app_configs():
            seeder = getattr(app_config, "seed_demo", None)
            if seeder is not None:
                seeder()
        names = ", ".join(a.username for a in DEMO_ACCOUNTS)
        self.stdout.write(self.style.SUCCESS(f"demo data ready; accounts: {names}"))

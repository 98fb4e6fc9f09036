import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from workflows.dbroles import role_script, role_statements

NOT_POSTGRES = "database roles exist on PostgreSQL only; this database is %s."


class Command(BaseCommand):
    help = (
        "The production database's application role: SELECT/INSERT only on the audit trail, owner of "
        "nothing. --print-sql shows the SQL for the owner to run; --apply runs it as the connected (owner) role."
    )

    def add_arguments(self, parser: Any) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--print-sql", action="store_true", help="Print the SQL script.")
        action.add_argument("--apply", action="store_true", help="Run it now, connected as the owner role.")
        parser.add_argument(
            "--app-role",
            default=os.environ.get("XIUHUA_DB_APP_ROLE", "xiuhua_app"),
            help="The application's role (default: $XIUHUA_DB_APP_ROLE or xiuhua_app).",
        )
        parser.add_argument("--owner-role", help="The owner role (default: the role this command connects as).")
        parser.add_argument("--database", help="The database (default: the configured one).")

    def handle(self, *args: Any, **options: Any) -> None:
        settings_dict = connection.settings_dict
        owner = options["owner_role"] or settings_dict.get("USER") or ""
        database = options["database"] or settings_dict.get("NAME") or ""
        kwargs = {"app_role": options["app_role"], "owner_role": owner, "database": database}
        try:
            script = role_script(**kwargs)
            statements = role_statements(**kwargs)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["print_sql"]:
            self.stdout.write(script)
            return
        if connection.vendor != "postgresql":
            raise CommandError(NOT_POSTGRES % connection.vendor)
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(self.style.SUCCESS(f"role {options['app_role']} set up on {database}."))

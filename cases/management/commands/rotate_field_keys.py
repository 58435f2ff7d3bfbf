from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from cases.fields import encrypted_fields, rotate

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the newest key in FIELD_ENCRYPTION_KEYS. "
        "Run after putting a new key first; then the old key can be removed."
    )

    def handle(self, *args, **options):
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            count = self.rotate_model(model, fields)
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows."))

    def rotate_model(self, model, fields) -> int:
        """Works on the stored tokens with raw SQL, so plaintext is never loaded into
        model instances and no audit diff is written for a re-encryption."""
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        columns = [connection.ops.quote_name(model._meta.get_field(f).column) for f in fields]
        done, last = 0, None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                where = f"WHERE {pk} > %s" if last is not None else ""
                cursor.execute(
                    f"SELECT {pk}, {', '.join(columns)} FROM {table} {where} "  # noqa: S608
                    f"ORDER BY {pk} LIMIT {BATCH} FOR UPDATE",
                    [last] if last is not None else [],
                )
                rows = cursor.fetchall()
                if not rows:
                    return done
                for row in rows:
                    values = [rotate(v) if v else v for v in row[1:]]
                    assignments = ", ".join(f"{c} = %s" for c in columns)
                    cursor.execute(
                        f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                        [*values, row[0]],
                    )
                done += len(rows)
                last = rows[-1][0]

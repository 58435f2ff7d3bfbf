from django.core.management.base import BaseCommand, CommandError

from audit import chain


class Command(BaseCommand):
    help = "Seal new audit rows into the hash chain, then verify the whole chain."

    def add_arguments(self, parser):
        parser.add_argument("--no-seal", action="store_true", help="Only verify what is sealed.")

    def handle(self, *args, no_seal, **options):
        if not no_seal:
            self.stdout.write(f"Sealed {chain.seal()} new rows.")
        result = chain.verify()
        if not result.ok:
            raise CommandError(
                f"Audit trail BROKEN after {result.checked} good rows: {result.problem}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit trail intact: {result.checked} rows verified.")
        )

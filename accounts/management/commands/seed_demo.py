import time

from django.core.management.base import BaseCommand

from accounts import demo
from cases import demo as case_demo


class Command(BaseCommand):
    help = (
        "Create fictional demo agencies, one user per role and about 30 demo cases "
        "(development only). --cases N also generates N plain cases for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases",
            type=int,
            default=0,
            metavar="N",
            help="Also bulk-generate N extra cases (benchmarks; adds N on every run).",
        )

    def handle(self, *args, cases: int = 0, **options):
        demo.require_debug()
        users = demo.seed_people()
        self.stdout.write(f"Demo users ready ({len(users)}), password '{demo.DEMO_PASSWORD}':")
        for user in users:
            self.stdout.write(f"  {user.email:32} {', '.join(user.role_labels)}")
        self.stdout.write("Second factor: python manage.py demo_otp <email> prints the code.")
        created = case_demo.seed_cases()
        if created:
            self.stdout.write(f"Demo cases created: {created}.")
        else:
            self.stdout.write("Demo cases already exist: none added.")
        if cases > 0:
            started = time.monotonic()
            made = case_demo.generate_cases(cases, progress=self.stdout.write)
            self.stdout.write(f"Generated {made} cases in {time.monotonic() - started:.1f} s.")

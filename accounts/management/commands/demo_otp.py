from django.core.management.base import BaseCommand, CommandError

from accounts import demo
from accounts.models import User


class Command(BaseCommand):
    help = "Print a demo user's current 2FA code (development only)."

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", default=demo.demo_email("caseworker"))

    def handle(self, *args, email, **options):
        demo.require_debug()
        user = User.objects.filter(email__iexact=email).first()
        if user is None or not user.email.endswith("@" + demo.DEMO_DOMAIN):
            raise CommandError("Codes are printed only for demo users (…@harbour.example).")
        self.stdout.write(demo.current_code(user))

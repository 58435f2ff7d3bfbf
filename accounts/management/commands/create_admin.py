from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Agency, Role, User
from accounts.services import activation_path


class Command(BaseCommand):
    help = (
        "Create the first system administrator and print their one-time activation path. "
        "For operators setting up a new installation; later staff are added in the app."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--agency", required=True, help="Agency name (created if new)")

    def handle(self, *args, email, name, agency, **options):
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError("A user with this email already exists.")
        agency_obj, _ = Agency.objects.get_or_create(
            name=agency, defaults={"kind": Agency.Kind.OTHER}
        )
        user = User.objects.create_user(email=email, full_name=name, agency=agency_obj)
        user.groups.add(Group.objects.get(name=Role.SYSTEM_ADMIN))
        self.stdout.write(
            f"Created {user.email}. Open this path on your Harbour host to set the password:"
        )
        self.stdout.write(activation_path(user))

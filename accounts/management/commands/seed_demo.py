from django.core.management.base import BaseCommand

from accounts import demo


class Command(BaseCommand):
    help = "Create fictional demo agencies and one user per role (development only)."

    def handle(self, *args, **options):
        users = demo.seed_people()
        self.stdout.write(f"Demo users ready ({len(users)}), password '{demo.DEMO_PASSWORD}':")
        for user in users:
            self.stdout.write(f"  {user.email:32} {', '.join(user.role_labels)}")
        self.stdout.write("Second factor: python manage.py demo_otp <email> prints the code.")

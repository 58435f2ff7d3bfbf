import factory
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Agency, Team, User

TEST_PASSWORD = "correct-horse-battery-staple"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Test Agency {n} (fictional)")
    kind = Agency.Kind.IDVA


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A member of staff with a password and a confirmed authenticator.

    roles=[Role.X, ...] puts them in those groups (created if a flushed test database
    lost the ones the migration seeded).
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@test.harbour.example")
    full_name = factory.Sequence(lambda n: f"Testy Person{n}")
    team = factory.SubFactory(TeamFactory)
    agency = factory.LazyAttribute(lambda o: o.team.agency)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=role)[0])

    @factory.post_generation
    def device(self, create, extracted, **kwargs):
        if extracted is not False:
            TOTPDevice.objects.create(user=self, name="Test authenticator", confirmed=True)
        self.save()


def totp_code(user, offset_steps: int = 0) -> str:
    """The code the user's authenticator shows now (or offset_steps steps from now)."""
    from django_otp.oath import totp

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed").first()
    code = totp(device.bin_key, device.step, device.t0, device.digits, drift=offset_steps)
    return str(code).zfill(device.digits)


def make_case(lead, *, survivor_name=("Sam", "Survivor-Test"), aliases=(), **person_fields):
    """A case opened by `lead` through the real service, with its survivor."""
    from cases import services
    from cases.models import Person

    survivor = Person(given_name=survivor_name[0], family_name=survivor_name[1], **person_fields)
    return services.case_create(acting_user=lead, survivor=survivor, aliases=list(aliases))


def add_person(case, role, given_name, family_name="", aliases=(), **fields):
    from cases.models import Alias, Person

    person = Person.objects.create(
        case=case, role=role, given_name=given_name, family_name=family_name, **fields
    )
    Alias.objects.bulk_create([Alias(person=person, name=a) for a in aliases])
    return person


def grant(case, user, *, by, scope="full", can_change=False, reason="Test grant", expires_at=None):
    from cases import services

    services.case_grant_access(
        acting_user=by,
        case=case,
        user=user,
        scope=scope,
        can_change=can_change,
        reason=reason,
        expires_at=expires_at,
    )

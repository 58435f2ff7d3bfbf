from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Role(models.TextChoices):
    """The roles of DESIGN.md. Each is a Django group of this name, seeded by a migration.

    A role says what a person does; it never grants sight of a case by itself (case access
    is to named users only, see cases/access.py).
    """

    CASEWORKER = "caseworker", "Caseworker / IDVA"
    DART_OFFICER = "dart_officer", "DART officer"
    MARAC_COORDINATOR = "marac_coordinator", "MARAC coordinator"
    MARAC_CHAIR = "marac_chair", "MARAC chair"
    AGENCY_REP = "agency_rep", "Agency representative"
    MANAGER = "manager", "Manager"
    AUDITOR = "auditor", "Auditor"
    SYSTEM_ADMIN = "system_admin", "System administrator"


class Agency(models.Model):
    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        IDVA = "idva", "IDVA service"
        CHILDRENS_SOCIAL_CARE = "csc", "Children's social care"
        ADULT_SOCIAL_CARE = "asc", "Adult social care"
        HEALTH = "health", "Health"
        HOUSING = "housing", "Housing"
        PROBATION = "probation", "Probation"
        SUBSTANCE_MISUSE = "substance", "Substance misuse"
        EDUCATION = "education", "Education"
        DVPP = "dvpp", "DVPP"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_in_agency")
        ]

    def __str__(self):
        return f"{self.name} ({self.agency.name})"


class UserQuerySet(models.QuerySet):
    def with_roles(self, role: str):
        return self.filter(groups__name=role)

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        return self.filter(models.Q(full_name__icontains=text) | models.Q(email__icontains=text))


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)  # None gives an unusable password until activation
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Logs in by email; never deleted, only deactivated (the audit
    trail refers to users for ever)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_staff(self):
        # There is no Django admin site: staff are managed in Harbour's own staff area.
        return False

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(g.name for g in self.groups.all())

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))

    @property
    def role_labels(self) -> list[str]:
        return [label for value, label in Role.choices if value in self.role_names]

"""Cases, the people in them, and who may see them.

Every read of case data goes through `Case.objects.visible_to(user)` or a model's
`for_user(user)`; both are built on cases.access, the one place that knows the rules.
`__str__` never holds personal data: django-auditlog writes it into the audit trail.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.fields import EncryptedTextField


class RiskLevel(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not assessed"
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Scope(models.TextChoices):
    FULL = "full", "Full"
    PERPETRATOR_SIDE = (
        "perpetrator_side",
        "Perpetrator side (no survivor contact details or disclosures)",
    )


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, *, perm: str = "view", full_scope: bool = False):
        """Cases the user may `perm` ("view" or "change") now: named grants that have not
        expired, or active break-glass; never when excluded. With full_scope, only where
        the user may also see the survivor's confidential details.

        No bypass for superusers, administrators or managers (DESIGN.md "Access control").
        """
        from cases import access

        return access.filter_cases(self, user, perm=perm, full_scope=full_scope)

    def open(self):
        return self.filter(status=Case.Status.OPEN)

    def with_survivor(self):
        survivor = Person.objects.filter(
            case=models.OuterRef("pk"), role=Person.Role.SURVIVOR
        ).order_by()
        return self.annotate(
            survivor_given=models.Subquery(survivor.values("given_name")[:1]),
            survivor_family=models.Subquery(survivor.values("family_name")[:1]),
        )

    def search(self, text: str):
        """Reference, or a name or alias of anyone in the case (case-insensitive).

        The name and alias matches are separate sub-selects so each can use its trigram
        index; the caller's scope (visible_to) still applies to the result."""
        text = text.strip()
        if not text:
            return self
        people = Person.objects.filter(
            Q(given_name__icontains=text) | Q(family_name__icontains=text)
        ).values("case_id")
        aliases = Alias.objects.filter(name__icontains=text).values("person__case_id")
        return self.filter(Q(reference__iexact=text) | Q(pk__in=people) | Q(pk__in=aliases))

    def search_people(self, *, names: list[str], date_of_birth=None):
        """Cases holding someone whose name or alias is like one of `names` (trigram
        similarity, so spelling variants match) or who shares the date of birth and a
        similar family name. For spotting an existing record before opening a new one."""
        rule = Q()
        for name in names:
            name = name.strip()
            if len(name) < 2:
                continue
            rule |= (
                Q(given_name__trigram_similar=name)
                | Q(family_name__trigram_similar=name)
                | Q(aliases__name__trigram_similar=name)
                | Q(family_name__iexact=name)
            )
        if date_of_birth:
            rule |= Q(date_of_birth=date_of_birth)
        if not rule:
            return self.none()
        people = Person.objects.filter(rule, case=models.OuterRef("pk"))
        return self.filter(models.Exists(people))


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_cases"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="cases")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    at_risk_from_multiple_perpetrators = models.BooleanField(
        "At Risk from Multiple Perpetrators", default=False
    )
    risk_level = models.CharField(
        max_length=20, choices=RiskLevel.choices, default=RiskLevel.NOT_ASSESSED
    )
    immediate_risk = models.BooleanField("Immediate risk to life", default=False)
    # MARAC criteria met by the current assessment (risk.scoring.Criterion values).
    risk_criteria = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        permissions = []  # view_case and change_case come from Django's defaults
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CaseReferenceCounter(models.Model):
    """The last number issued per year, for H-YYYY-NNNNN references."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"

    @classmethod
    def next_reference(cls, year: int) -> str:
        # One atomic statement: two cases created at once can never share a number.
        table = cls._meta.db_table  # our model's name, never input
        sql = (
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [year])
            number = cursor.fetchone()[0]
        return f"H-{year}-{number:05d}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """A named person's grant on one case (guardian's direct-FK table), with its reasons.

    The single source of truth for who may see a case. Written only by
    cases.services.case_grant_access / case_revoke_access.
    """

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.FULL)
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "content_object"])]

    def __str__(self):
        return f"grant {self.permission.codename} on {self.content_object_id}"


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """Required by guardian's direct-FK setup; Harbour never grants cases to groups."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")


class CaseExclusion(models.Model):
    """A conflict of interest: beats every grant, break-glass included."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exclusions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="exclusion_once_per_user")
        ]

    def __str__(self):
        return f"exclusion on {self.case_id}"


class BreakGlass(models.Model):
    """Emergency access to a case by someone not named on it: reason required, time
    limited, notified to the lead and the team's managers, and flagged for review."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "case", "expires_at"])]

    def __str__(self):
        return f"break-glass on {self.case_id}"

    @property
    def active(self) -> bool:
        return self.expires_at > timezone.now()


class CaseScopedQuerySet(models.QuerySet):
    """Models that belong to a case. `for_user` is the only way views read them."""

    #: True where the rows hold what a perpetrator-side worker must never see.
    confidential = False
    #: The lookup from this model to its Case.
    case_path = "case"

    def for_user(self, user, *, perm: str = "view"):
        """Rows of cases the user may `perm`; confidential models also require full scope."""
        cases = Case.objects.visible_to(user, perm=perm, full_scope=self.confidential)
        return self.filter(**{f"{self.case_path}__in": cases})


class ConfidentialQuerySet(CaseScopedQuerySet):
    confidential = True


class PersonPartQuerySet(CaseScopedQuerySet):
    case_path = "person__case"


class Person(models.Model):
    """Someone in one case. The same human in two cases is two records (need-to-know)."""

    class Role(models.TextChoices):
        SURVIVOR = "survivor", "Survivor"
        PRIMARY_PERPETRATOR = "primary_perpetrator", "Primary perpetrator"
        ASSOCIATE = "associate", "Associate"
        CHILD = "child", "Child"
        OTHER_SURVIVOR = "other_survivor", "Other survivor"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=30, choices=Role.choices)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    approximate_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=50, blank=True)
    ethnicity = models.CharField(max_length=100, blank=True)
    disability = models.CharField(max_length=200, blank=True)
    lgbt = models.CharField("LGBT+", max_length=20, blank=True)
    religion = models.CharField(max_length=100, blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    address = EncryptedTextField(blank=True)
    phone = EncryptedTextField(blank=True)
    email = EncryptedTextField(blank=True)
    notes = EncryptedTextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["case_id", "role", "family_name", "given_name"]
        indexes = [
            # Trigram indexes for name search and possible-match checks.
            GinIndex(fields=["given_name"], opclasses=["gin_trgm_ops"], name="person_given_trgm"),
            GinIndex(fields=["family_name"], opclasses=["gin_trgm_ops"], name="person_family_trgm"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(role="survivor"), name="one_survivor_per_case"
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(role="primary_perpetrator"),
                name="one_primary_perpetrator_per_case",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} in {self.case_id}"

    @property
    def name(self) -> str:
        return " ".join(p for p in [self.given_name, self.family_name] if p) or "(name not known)"

    @property
    def display_rank(self) -> int:
        """Survivor first, then the perpetrator side, then everyone else."""
        return list(self.Role.values).index(self.role)

    @property
    def is_survivor(self) -> bool:
        return self.role == self.Role.SURVIVOR

    @property
    def is_perpetrator_side(self) -> bool:
        return self.role in (self.Role.PRIMARY_PERPETRATOR, self.Role.ASSOCIATE)


class Alias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100)

    objects = PersonPartQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="alias_name_trgm")]
        verbose_name_plural = "aliases"

    def __str__(self):
        return f"alias of person {self.person_id}"


class WarningMarker(models.Model):
    """Risk to staff, on a person: shown wherever someone might visit or call."""

    class Kind(models.TextChoices):
        WEAPONS = "weapons", "Weapons"
        DOGS = "dogs", "Dangerous dogs"
        NO_LONE_VISITS = "no_lone_visits", "No lone visits"
        VIOLENCE_TO_STAFF = "violence", "Violence towards staff"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="warnings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    details = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = PersonPartQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} marker on person {self.person_id}"


class Disclosure(models.Model):
    """Stage 1 of the Nottingham guidance: what she disclosed and how it was taken."""

    class Consent(models.TextChoices):
        YES = "yes", "Yes, to the agencies named"
        NO = "no", "No"
        NOT_ASKED = "not_asked", "Not asked yet"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disclosures")
    disclosed_on = models.DateField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    seen_alone = models.BooleanField("Seen alone", default=False)
    seen_in_private = models.BooleanField("Seen in private", default=False)
    who_knows = EncryptedTextField("Who knows about the disclosure", blank=True)
    who_might_suspect = EncryptedTextField("Who might suspect she has disclosed", blank=True)
    expected_outcome = EncryptedTextField("What she thinks will happen", blank=True)
    catalyst = EncryptedTextField("Why she is disclosing now (the catalyst)", blank=True)
    own_view_of_risk = EncryptedTextField("Her own view of the risk", blank=True)
    narrative = EncryptedTextField("What she disclosed", blank=True)
    immediate_risk_to_life = models.BooleanField("Immediate risk to life", default=False)
    consent_to_share = models.CharField(
        max_length=10, choices=Consent.choices, default=Consent.NOT_ASKED
    )
    share_with = EncryptedTextField("Agencies she agrees information may go to", blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConfidentialQuerySet.as_manager()

    class Meta:
        ordering = ["-disclosed_on", "-created_at"]

    def __str__(self):
        return f"disclosure in {self.case_id}"


class SafeContact(models.Model):
    """How (and whether) she can be contacted safely. Shown first on the case page."""

    class CanContact(models.TextChoices):
        YES = "yes", "Yes, as below"
        NO = "no", "No — do not contact her directly"
        UNKNOWN = "unknown", "Not known yet"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="safe_contact")
    can_contact = models.CharField(
        "Can she be contacted safely?",
        max_length=10,
        choices=CanContact.choices,
        default=CanContact.UNKNOWN,
    )
    how = EncryptedTextField("How to contact her", blank=True)
    safe_times = EncryptedTextField("Safe times", blank=True)
    never = EncryptedTextField(
        "What must never happen", blank=True, help_text="For example: no voicemail, no letters."
    )
    code_word = EncryptedTextField("Code word", blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConfidentialQuerySet.as_manager()

    def __str__(self):
        return f"safe contact for {self.case_id}"


class ChronologyEntry(models.Model):
    """A contact or a note. Append-only: a correction is a new entry."""

    class Kind(models.TextChoices):
        CONTACT = "contact", "Contact"
        NOTE = "note", "Note"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="chronology")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    occurred_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    text = EncryptedTextField()

    objects = ConfidentialQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-recorded_at"]
        verbose_name_plural = "chronology entries"

    def __str__(self):
        return f"{self.kind} in {self.case_id}"


class TaskQuerySet(CaseScopedQuerySet):
    def overdue(self):
        return self.filter(done_at__isnull=True, due_on__lt=timezone.localdate())

    def open(self):
        return self.filter(done_at__isnull=True)


class CaseTask(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_tasks",
        null=True,
        blank=True,
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["done_at", "due_on", "created_at"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"])]

    def __str__(self):
        return f"task in {self.case_id}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.done_at is None and self.due_on is not None and self.due_on < timezone.localdate()
        )


class Notification(models.Model):
    """An in-app message to one user. Holds case references, never personal details."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return f"notification {self.pk}"

"""Fictional demo cases for development. Everything here refuses to run with DEBUG off.

`seed_cases()` writes about thirty hand-shaped multiple-perpetrator cases through the real
services, so grants, access history (audit.AccessChange) and auditlog rows exist exactly
as they would for cases opened in the browser. `generate_cases(n)` bulk-inserts plain
cases for benchmarks: fast, no auditlog rows, but encrypted fields still go through the
model field (bulk_create calls get_prep_value) and grants are real guardian rows.

Every name is made up and marked "-Demo"; addresses are in Demotown and the like; phone
numbers are in Ofcom's drama range (07700 900000-900999). A fixed seed makes each run
produce the same people and stories (dates are relative to the day of the run).
"""

import random
from collections.abc import Callable
from datetime import date, timedelta

from auditlog.context import set_actor
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.utils import timezone

from accounts.demo import AGENCIES, demo_email, require_debug
from accounts.models import Agency, Role, Team, User
from cases import services
from cases.models import (
    Alias,
    Case,
    CaseReferenceCounter,
    CaseTask,
    CaseUserObjectPermission,
    ChronologyEntry,
    Disclosure,
    Person,
    RiskLevel,
    SafeContact,
    Scope,
    WarningMarker,
)

SEED = 20261121

# Staff who lead the demo cases that the demo caseworker does not. They never sign in
# (no usable password, no authenticator); their domain keeps them apart from the demo
# logins of accounts.demo (…@harbour.example).
STAFF_DOMAIN = "staff.harbour.example"
# email local part, full name, job title, agency index (accounts.demo.AGENCIES), team, role
DEMO_STAFF = [
    ("jo.demo-idva", "Jo Demo-Idva", "IDVA", 0, "IDVA team", Role.CASEWORKER),
    ("sam.demo-outreach", "Sam Demo-Outreach", "Outreach IDVA", 0, "IDVA team", Role.CASEWORKER),
    (
        "priya.demo-constable",
        "Priya Demo-Constable",
        "Domestic abuse investigator",
        1,
        "DART",
        Role.DART_OFFICER,
    ),
    (
        "taylor.demo-social",
        "Taylor Demo-Social",
        "Children's social worker",
        2,
        "Safeguarding",
        Role.AGENCY_REP,
    ),
]

# Who leads each of the 30 demo cases (index = case number), and the team that follows.
CASE_LEADS = (
    ["caseworker"] * 19
    + ["jo.demo-idva"] * 3
    + ["sam.demo-outreach"] * 2
    + ["priya.demo-constable"] * 3
    + ["taylor.demo-social"] * 3
)
# Cases of other IDVAs (and one police case) on which the demo caseworker is also named.
CASEWORKER_CO_WORKS = {19, 20, 22, 24}
CLOSED = {5, 12, 21, 28}

SURVIVOR_GIVEN = [
    "Leah", "Amira", "Joanne", "Kasia", "Shannon", "Priti", "Destiny", "Marta", "Chloe",
    "Nadia", "Bethany", "Funmi", "Rosa", "Ellie", "Hana", "Tanya", "Gemma", "Aisha", "Lorna",
    "Zofia", "Kerry", "Simone", "Mei", "Danielle", "Roxanne", "Yasmin", "Paige", "Ilona",
    "Stacey", "Farah",
]  # fmt: skip
# The 30 demo survivors' family names. Also how seed_cases() knows it has already run.
SURVIVOR_FAMILY = [
    f"{name}-Demo"
    for name in [
        "Ashdown", "Brackley", "Cresswell", "Dunmore", "Elderby", "Fenwick", "Garside",
        "Hollins", "Ingleby", "Jessop", "Kilburn", "Larkham", "Merriman", "Northcott",
        "Oakridge", "Pendleford", "Quarrington", "Rowntree", "Saltash", "Thorley", "Upcott",
        "Varley", "Wetherby", "Yardley", "Ambler", "Birtles", "Coldwell", "Dewhurst",
        "Eastleigh", "Fairclough",
    ]
]  # fmt: skip
MALE_GIVEN = [
    "Darren", "Kyle", "Lee", "Jamal", "Craig", "Tomasz", "Ryan", "Wayne", "Imran", "Dean",
    "Liam", "Stefan", "Marcus", "Gary", "Connor", "Aaron", "Reece", "Nathan", "Jason", "Omar",
]  # fmt: skip
OTHER_GIVEN = [
    "Tina", "Shaun", "Carl", "Denise", "Mo", "Jade", "Kieran", "Sandra", "Viktor", "Lisa",
    "Troy", "Ayesha", "Brandon", "Pauline", "Rick", "Nicole",
]  # fmt: skip
PERPETRATOR_FAMILY = [
    f"{name}-Demo"
    for name in [
        "Kettleby", "Marlow", "Stanwick", "Grimshaw", "Holt", "Blackmore", "Renshaw",
        "Catterall", "Drayfield", "Voss", "Harker", "Mottram", "Skelwith", "Brannock",
        "Colley", "Threlfall",
    ]
]  # fmt: skip
NICKNAMES = [
    "Tank", "Smiler", "Junior", "Shadow", "Mad Dog", "Bones", "Chief", "Red", "Scouse",
    "the Landlord", "Kingy", "Sparks", "Biscuit", "Razor", "Moose", "Ghost", "Skinny",
]  # fmt: skip
CHILD_GIVEN = [
    "Mia", "Alfie", "Ruby", "Noah", "Isla", "Leo", "Poppy", "Zayn", "Evie", "Jayden", "Lily",
    "Oscar", "Amelia", "Kai",
]  # fmt: skip
STREETS = [
    "Example Street", "Sample Road", "Placeholder Lane", "Fictional Avenue", "Mock Terrace",
    "Specimen Close", "Testbed Way", "Pretend Crescent", "Dummy Row", "Notreal Gardens",
]  # fmt: skip
TOWNS = ["Demotown", "Exampleton", "Sampleford", "Mockbury"]
ETHNICITIES = [
    "White British", "White British", "White British", "White Polish", "White Irish",
    "Black British Caribbean", "Black African", "Asian British Pakistani",
    "Asian British Indian", "Mixed White and Black Caribbean", "Chinese", "Arab", "Not stated",
]  # fmt: skip
LANGUAGES = ["English"] * 8 + ["Polish", "Urdu", "Arabic", "Somali", "Romanian", "Punjabi"]

RELATIONSHIPS = [
    "Ex-partner; separated {months} months ago and will not accept it.",
    "Current partner; they live together on and off.",
    "Husband; she lives with his extended family.",
    "Ex-partner and the father of her children; contact handovers are a flashpoint.",
    "Ex-partner; released from prison on licence {months} months ago (fictional record).",
]
PERPETRATOR_MARKERS = [
    ("weapons", "Keeps a machete in his car (survivor's account)."),
    ("dogs", "Large, poorly controlled dog at his address."),
    ("no_lone_visits", "Threatened a housing officer: two-worker visits only."),
    ("violence", "Assaulted an officer on arrest (fictional record)."),
]
# (how the associate is linked to the perpetrator, note, markers)
ASSOCIATES = [
    ("family member", "Perpetrator's brother. Drives him past her address and messages her "
     "from unknown numbers.", [("no_lone_visits", "Aggressive to staff at a previous visit.")]),
    ("family member", "Perpetrator's mother. Lives on the same street as the survivor and "
     "reports her movements to him.", []),
    ("criminal", "Cousin of the perpetrator; they supply cannabis together.",
     [("weapons", "Reported to carry a knife (police intelligence, fictional).")]),
    ("friendship group", "Friend from his five-a-side team. Posted her new address on social "
     "media.", []),
    ("criminal", "Supplies the survivor with drugs and holds a 'debt' over her that the "
     "perpetrator uses to control her.", [("violence", "Threatened an outreach worker.")]),
    ("other", "Perpetrator's new partner. Has sent the survivor abusive voice notes.", []),
    ("community member", "Perpetrator's uncle, well known locally. Has pressured her family "
     "to make her withdraw her statement.", []),
    ("friendship group", "Shares a flat with the perpetrator.",
     [("dogs", "Two large dogs loose in the flat; ask for them to be shut away.")]),
    ("criminal", "Part of the perpetrator's group; seen outside her workplace three times "
     "this month.", [("weapons", "Linked to a firearms incident (fictional)."),
                     ("no_lone_visits", "Two-worker visits only.")]),
    ("family member", "Perpetrator's sister. Looks after the children on contact days and "
     "passes his messages on.", []),
    ("friendship group", "Known to the survivor only through the perpetrator. Offers her lifts "
     "and reports back.", []),
    ("family member", "Perpetrator's father. Has threatened to 'sort her out' if she goes to "
     "the police.", [("dogs", "Dog at the property: phone ahead.")]),
]  # fmt: skip
WHO_KNOWS = [
    "Her sister and her GP.",
    "Nobody else; she came in alone while he was at work.",
    "Her best friend from work, who drove her here.",
    "Her mother, who lives out of area.",
]
WHO_MIGHT_SUSPECT = [
    "His mother, who watches the house.",
    "His brother, who checks her phone when he visits.",
    "His friends, who drink in the pub opposite her flat.",
    "Nobody at the moment.",
]
EXPECTED_OUTCOMES = [
    "She thinks he will send his friends round if he finds out.",
    "She expects him to take the children to his family.",
    "She fears his brother will hurt her before the police act.",
    "She hopes the police will keep him away but does not trust them to.",
]
CATALYSTS = [
    "He threatened the children for the first time last weekend.",
    "His cousin followed her home from work.",
    "She found a tracker on her car.",
    "Her friend saw his associates photographing her front door.",
    "He was released from prison last month.",
]
OWN_VIEWS = [
    "She says she is more frightened of his friends than of him.",
    "She rates her risk 9 out of 10 and says 'it's only a matter of time'.",
    "She thinks she is safe while he is on tag but not afterwards.",
    "She minimises: 'he only does it when he's been drinking'.",
]
NARRATIVES = [
    "She described a year of escalating control: he takes her bank card, checks her phone "
    "and has his friends watch the house when he is out. Last month he strangled her.",
    "She said his family hold her passport and tell her she will be sent away if she "
    "leaves. His brother has slapped her in front of the children.",
    "She disclosed that he shares intimate images of her with his friends and that one of "
    "them has since turned up at her door uninvited.",
    "She described threats from his associates over a drug debt he says she owes; she has "
    "been made to hold drugs at her flat.",
]
SHARE_WITH = [
    "Police, children's social care, housing.",
    "Police and her GP only.",
    "Housing and the refuge network.",
    "Everyone at MARAC.",
]
NEVER = [
    "No voicemail, no letters.",
    "No letters to the home address; never leave a message with anyone who answers.",
    "No texts: he reads her messages. No voicemail.",
    "Do not say where you are calling from. No letters.",
]
SAFE_TIMES = [
    "Weekdays 09:30-14:30 while the children are at school.",
    "Tuesday and Thursday mornings, when he is at work.",
    "Only during her lunch break (12:00-13:00), on her work phone.",
]
CODE_WORDS = ["bluebell", "Aunt Polly", "the red umbrella", "lemon cake", "Saturday market"]

CHRONOLOGY = [
    ("contact", "Phone call with {survivor} at the agreed safe time. {perp} ('{nick}') has been "
     "driving past the house with {assoc}. Safety plan reviewed."),
    ("contact", "Met {survivor} at the Demotown Family Hub (fictional). Completed the DASH RIC "
     "with her; she answered yes to {dash} questions."),
    ("note", "Police research back: {perp} has previous for assault and for breaching a "
     "non-molestation order (fictional record)."),
    ("contact", "Text exchange: {survivor} has received the panic alarm. Code word checked."),
    ("note", "Spoke to the housing officer about a management transfer; decision awaited."),
    ("note", "Referral to DART sent. Multiple-perpetrator indicators: {assoc} has threatened "
     "her on {perp}'s behalf."),
    ("contact", "{survivor} rang the duty line: {assoc} approached her at the school gates. "
     "Advised to call 999 if he returns; police told with her consent."),
    ("note", "Discussed in supervision. Agreed to refer to MARAC on professional judgement: "
     "escalation through associates."),
    ("contact", "No lone visits marker, so met {survivor} at her GP surgery instead of at home."),
    ("note", "Non-molestation order granted against {perp} at Demotown Family Court "
     "(fictional)."),
]  # fmt: skip
TASKS = [
    "Chase housing about the management transfer",
    "Refer to MARAC",
    "Review the safety plan with {given}",
    "Ask DART for police research on {nick}",
    "Check the panic alarm has been fitted",
    "Send the non-molestation order papers to the solicitor",
    "Update the multiple-perpetrator map",
    "Book an interpreter for the next contact",
    "Call children's social care about the contact arrangements",
]
CLOSURE_REASONS = [
    "Moved to a refuge out of area; case transferred to the receiving IDVA service "
    "(fictional) with her consent.",
    "She no longer wishes to engage. No exit letter sent (unsafe); closure agreed in "
    "supervision and the door left open.",
    "Risk reduced: the perpetrator and his main associate are remanded in custody. Safety "
    "plan reviewed and case closed by agreement.",
    "Support goals met: non-molestation order in place, move completed, safety plan handed over.",
]


def _phone(rng: random.Random) -> str:
    return f"07700 900{rng.randint(0, 999):03d}"


def _address(rng: random.Random) -> str:
    return f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}"


def _birthday(rng: random.Random, age: int) -> date:
    today = timezone.localdate()
    return today - timedelta(days=age * 365 + rng.randint(0, 364))


def demo_cases_exist() -> bool:
    return Person.objects.filter(
        role=Person.Role.SURVIVOR, family_name__in=SURVIVOR_FAMILY
    ).exists()


def _demo_staff() -> dict[str, User]:
    """The demo logins plus the four leads above, by email local part."""
    staff = {}
    for local, full_name, job, agency_index, team_name, role in DEMO_STAFF:
        agency = Agency.objects.get(name=AGENCIES[agency_index][0])
        team = Team.objects.get(agency=agency, name=team_name)
        user = User.objects.filter(email=f"{local}@{STAFF_DOMAIN}").first()
        if user is None:
            user = User.objects.create_user(
                f"{local}@{STAFF_DOMAIN}",
                full_name=full_name,
                job_title=job,
                agency=agency,
                team=team,
            )
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        staff[local] = user
    for local in ["caseworker", "dart", "coordinator", "chair", "rep", "manager"]:
        staff[local] = User.objects.get(email=demo_email(local))
    return staff


@transaction.atomic
def seed_cases() -> int:
    """Create the demo cases once (accounts.demo.seed_people must have run). Returns how
    many were created: 0 when they already exist."""
    require_debug()
    staff = _demo_staff()
    manager = staff["manager"]
    if demo_cases_exist():
        return 0
    rng = random.Random(SEED)
    cases = []
    for number, lead_key in enumerate(CASE_LEADS):
        lead = staff[lead_key]
        with set_actor(lead):
            cases.append(_demo_case(rng, number, lead, staff))
    with set_actor(manager):
        for case in [c for c in cases if c.risk_level == RiskLevel.HIGH][:2]:
            if case.team_id == manager.team_id:
                _grant(manager, case, manager, reason="Case supervision (high risk)")
    _named_access(rng, cases, staff)
    return len(cases)


def _grant(by: User, case: Case, user: User, *, reason: str, **options) -> None:
    options.setdefault("scope", Scope.FULL)
    options.setdefault("can_change", False)
    services.case_grant_access(acting_user=by, case=case, user=user, reason=reason, **options)


def _named_access(rng: random.Random, cases: list[Case], staff: dict[str, User]) -> None:
    """DART, MARAC and the agency rep on a few cases each, granted by the lead."""
    now = timezone.now()
    high = [c for c in cases if c.risk_level == RiskLevel.HIGH and c.is_open]
    with_children = [c for c in cases if c.people.filter(role=Person.Role.CHILD).exists()]
    police = [c for c in cases if c.lead_id == staff["priya.demo-constable"].pk]
    plan = [
        (staff["dart"], [*police, *rng.sample(cases[:19], 3)], "DART triage of the referral",
         {"can_change": True}),
        (staff["coordinator"], high[:4], "Listed for the next MARAC meeting (agenda)",
         {"expires_at": now + timedelta(days=45)}),
        (staff["chair"], high[:3], "Chairing the MARAC meeting that hears the case",
         {"expires_at": now + timedelta(days=45)}),
    ]  # fmt: skip
    rep_cases = [c for c in with_children if c.lead_id != staff["taylor.demo-social"].pk][:5]
    for index, case in enumerate(rep_cases):
        side = index < 3
        plan.append(
            (
                staff["rep"],
                [case],
                "Children's social care: assessment of the father (perpetrator side only)"
                if side
                else "Child protection enquiry; she consented to sharing",
                {"scope": Scope.PERPETRATOR_SIDE if side else Scope.FULL, "can_change": side},
            )
        )
    for user, targets, reason, options in plan:
        for case in targets:
            with set_actor(case.lead):
                _grant(case.lead, case, user, reason=reason, **options)


def _demo_case(rng: random.Random, number: int, lead: User, staff: dict[str, User]) -> Case:
    caseworker = staff["caseworker"]
    now = timezone.now()
    opened = now - timedelta(days=rng.randint(12, 300), hours=rng.randint(0, 8))
    given, family = SURVIVOR_GIVEN[number], SURVIVOR_FAMILY[number]
    survivor = Person(
        given_name=given,
        family_name=family,
        date_of_birth=_birthday(rng, rng.randint(19, 56)),
        gender="Female" if rng.random() < 0.93 else "Non-binary",
        ethnicity=rng.choice(ETHNICITIES),
        first_language=rng.choice(LANGUAGES),
        lgbt=rng.choice(["No", "No", "No", "Yes", "Not stated"]),
        address=_address(rng),
        phone=_phone(rng),
        notes=rng.choice(["", "Works part time at a supermarket (fictional).", "Pregnant."]),
    )
    aliases = [f"{given[0]}{given[1:3].lower()}"] if rng.random() < 0.3 else []
    case = services.case_create(acting_user=lead, survivor=survivor, aliases=aliases)
    case.opened_at = opened
    case.at_risk_from_multiple_perpetrators = rng.random() < 0.85
    case.risk_level = rng.choices(
        [RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.STANDARD, RiskLevel.NOT_ASSESSED],
        weights=[28, 32, 25, 15],
    )[0]
    services.case_update(acting_user=lead, case=case, expected_version=case.version)

    perp_given, perp_family = rng.choice(MALE_GIVEN), rng.choice(PERPETRATOR_FAMILY)
    nicknames = rng.sample(NICKNAMES, rng.randint(1, 3))
    perpetrator = _person(
        lead,
        case,
        Person.Role.PRIMARY_PERPETRATOR,
        perp_given,
        perp_family,
        nicknames,
        date_of_birth=_birthday(rng, rng.randint(22, 60)),
        gender="Male",
        ethnicity=rng.choice(ETHNICITIES),
        address=_address(rng) if rng.random() < 0.8 else "No fixed abode",
        phone=_phone(rng) if rng.random() < 0.6 else "",
        notes=rng.choice(RELATIONSHIPS).format(months=rng.randint(2, 18)),
    )
    if rng.random() < 0.5:
        _markers(lead, perpetrator, [rng.choice(PERPETRATOR_MARKERS)])
    associates = []
    for connection_kind, note, markers in rng.sample(ASSOCIATES, rng.randint(1, 4)):
        associate = _person(
            lead,
            case,
            Person.Role.ASSOCIATE,
            rng.choice(MALE_GIVEN + OTHER_GIVEN),
            rng.choice([perp_family, rng.choice(PERPETRATOR_FAMILY), ""]),
            rng.sample(NICKNAMES, rng.randint(0, 1)),
            approximate_age=rng.randint(18, 65),
            address=_address(rng) if rng.random() < 0.5 else "",
            notes=f"Connection to the perpetrator: {connection_kind}. {note}",
        )
        _markers(lead, associate, markers)
        associates.append(associate)
    if rng.random() < 0.45:
        for _ in range(rng.randint(1, 3)):
            _person(
                lead,
                case,
                Person.Role.CHILD,
                rng.choice(CHILD_GIVEN),
                rng.choice([family, perp_family]),
                [],
                date_of_birth=_birthday(rng, rng.randint(0, 15)),
                notes="Attends Demotown Primary (fictional)." if rng.random() < 0.5 else "",
            )

    if rng.random() < 0.9:
        services.disclosure_save(
            acting_user=lead,
            disclosure=Disclosure(
                case=case,
                disclosed_on=timezone.localdate(opened),
                taken_by=lead,
                seen_alone=rng.random() < 0.8,
                seen_in_private=rng.random() < 0.85,
                who_knows=rng.choice(WHO_KNOWS),
                who_might_suspect=rng.choice(WHO_MIGHT_SUSPECT),
                expected_outcome=rng.choice(EXPECTED_OUTCOMES),
                catalyst=rng.choice(CATALYSTS),
                own_view_of_risk=rng.choice(OWN_VIEWS),
                narrative=rng.choice(NARRATIVES),
                immediate_risk_to_life=case.risk_level == RiskLevel.HIGH and rng.random() < 0.2,
                consent_to_share=rng.choice(Disclosure.Consent.values),
                share_with=rng.choice(SHARE_WITH),
            ),
            expected_version=None,
        )
    can_contact = rng.choices(SafeContact.CanContact.values, weights=[60, 25, 15])[0]
    services.safe_contact_save(
        acting_user=lead,
        safe_contact=SafeContact(
            case=case,
            can_contact=can_contact,
            how={
                "yes": f"Text first to {survivor.phone}; call only if she replies 'OK'.",
                "no": "Do not contact her directly. Messages only through her GP practice "
                "(Demotown Medical Centre, fictional).",
                "unknown": "",
            }[can_contact],
            safe_times=rng.choice(SAFE_TIMES) if can_contact == "yes" else "",
            never=rng.choice(NEVER) if can_contact != "unknown" else "",
            code_word=rng.choice(CODE_WORDS) if can_contact == "yes" else "",
        ),
        expected_version=None,
    )

    words = {
        "survivor": given,
        "perp": perp_given,
        "nick": nicknames[0],
        "assoc": associates[0].given_name,
        "dash": rng.randint(8, 20),
        "given": given,
    }
    span = (now - opened).total_seconds()
    entries = rng.sample(CHRONOLOGY, rng.randint(3, 6))
    times = sorted(opened + timedelta(seconds=rng.uniform(0, span)) for _ in entries)
    for (kind, text), occurred_at in zip(entries, times, strict=True):
        services.chronology_add(
            acting_user=lead,
            entry=ChronologyEntry(
                case=case, kind=kind, occurred_at=occurred_at, text=text.format(**words)
            ),
        )

    if number in CASEWORKER_CO_WORKS:
        _grant(lead, case, caseworker, reason="Co-working: IDVA support", can_change=True)
    assignee = caseworker if lead == caseworker or number in CASEWORKER_CO_WORKS else lead
    for title in rng.sample(TASKS, rng.randint(2, 4)):
        due = timezone.localdate() + timedelta(days=rng.randint(-10, 28))
        services.task_save(
            acting_user=lead,
            task=CaseTask(
                case=case,
                title=title.format(**words),
                due_on=due,
                assignee=assignee,
                done_at=now if number in CLOSED or rng.random() < 0.3 else None,
            ),
        )
    if number == 2:
        services.case_exclude(
            acting_user=lead,
            case=case,
            user=staff["jo.demo-idva"],
            reason="Conflict of interest: knows the perpetrator's family socially.",
        )
    if number in CLOSED:
        case.refresh_from_db()
        services.case_close(
            acting_user=lead,
            case=case,
            reason=rng.choice(CLOSURE_REASONS),
            expected_version=case.version,
        )
    case.refresh_from_db()
    return case


def _person(lead, case, role, given, family, aliases, **fields) -> Person:
    person = Person(case=case, role=role, given_name=given, family_name=family, **fields)
    return services.person_save(
        acting_user=lead, person=person, aliases=aliases, expected_version=None
    )


def _markers(lead: User, person: Person, markers) -> None:
    for kind, details in markers:
        services.warning_add(
            acting_user=lead, marker=WarningMarker(person=person, kind=kind, details=details)
        )


# --- Bulk generation for benchmarks ---------------------------------------------------

WORKER_COUNT = 200
WORKER_DOMAIN = "generated.harbour.example"
# team (in accounts.demo.AGENCIES), role, share of the generated workers
WORKER_TEAMS = [
    (0, "IDVA team", Role.CASEWORKER, 0.6),
    (1, "DART", Role.DART_OFFICER, 0.15),
    (1, "MARAC unit", Role.MARAC_COORDINATOR, 0.1),
    (2, "Safeguarding", Role.AGENCY_REP, 0.15),
]
GENERATED_FAMILY = [
    f"{name}-Demo"
    for name in [
        "Abbotsley", "Bramhope", "Carnforth", "Dalby", "Egremont", "Farsley", "Gisburn",
        "Hebden", "Ilkley", "Keswick", "Lindale", "Malham", "Nateby", "Otley", "Pately",
        "Ravenstone", "Sedbergh", "Troutbeck", "Ulverby", "Whitwell",
    ]
]  # fmt: skip


def _generated_workers(count: int) -> list[User]:
    """`count` fictional workers across the demo teams (created once; they never sign in)."""
    rng = random.Random(SEED + 1)
    teams = []
    for agency_index, team_name, role, share in WORKER_TEAMS:
        team = Team.objects.get(agency__name=AGENCIES[agency_index][0], name=team_name)
        teams.append((team, Group.objects.get_or_create(name=role)[0], share))
    unusable = make_password(None)
    users, memberships = [], []
    for index in range(count):
        team, group, _ = rng.choices(teams, weights=[t[2] for t in teams])[0]
        users.append(
            User(
                email=f"worker{index:03d}@{WORKER_DOMAIN}",
                full_name=f"{rng.choice(MALE_GIVEN + OTHER_GIVEN + SURVIVOR_GIVEN)} "
                f"Worker{index:03d}-Demo",
                job_title=Role(group.name).label,
                agency_id=team.agency_id,
                team=team,
                password=unusable,
            )
        )
        memberships.append(group)
    User.objects.bulk_create(users, ignore_conflicts=True)
    saved = {u.email: u for u in User.objects.filter(email__endswith=f"@{WORKER_DOMAIN}")}
    users = [saved[u.email] for u in users]
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=u.pk, group_id=g.pk)
            for u, g in zip(users, memberships, strict=True)
        ],
        ignore_conflicts=True,
    )
    return users


def _reserve_references(year: int, size: int) -> list[str]:
    """`size` consecutive references in one statement, from the same counter that
    CaseReferenceCounter.next_reference uses, so they never clash with real ones."""
    table = CaseReferenceCounter._meta.db_table  # our model's name, never input
    sql = (
        f"INSERT INTO {table} (year, last) VALUES (%s, %s) "  # noqa: S608
        f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + EXCLUDED.last RETURNING last"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [year, size])
        last = cursor.fetchone()[0]
    return [f"H-{year}-{n:05d}" for n in range(last - size + 1, last + 1)]


def generate_cases(
    count: int, *, batch_size: int = 1000, progress: Callable[[str], None] | None = None
) -> int:
    """Bulk-insert `count` plain cases for benchmarks. About 1 in 10 is led by the demo
    caseworker, the rest by generated workers. Returns the number created."""
    require_debug()
    caseworker = User.objects.get(email=demo_email("caseworker"))
    workers = _generated_workers(WORKER_COUNT)
    perms = list(
        Permission.objects.filter(
            content_type__app_label="cases", codename__in=["view_case", "change_case"]
        )
    )
    rng = random.Random(SEED + Case.objects.count())
    made = 0
    while made < count:
        size = min(batch_size, count - made)
        with transaction.atomic():
            _generate_batch(rng, size, caseworker, workers, perms)
        made += size
        if progress and (made % 5000 == 0 or made == count):
            progress(f"  {made} of {count} cases generated")
    return made


def _generate_batch(rng, size, caseworker, workers, perms) -> None:
    now = timezone.now()
    references = _reserve_references(timezone.localdate(now).year, size)
    cases = []
    for reference in references:
        lead = caseworker if rng.random() < 0.1 else rng.choice(workers)
        closed = rng.random() < 0.25
        opened = now - timedelta(days=rng.randint(1, 365), minutes=rng.randint(0, 1440))
        cases.append(
            Case(
                reference=reference,
                lead=lead,
                team_id=lead.team_id,
                created_by=lead,
                opened_at=opened,
                status=Case.Status.CLOSED if closed else Case.Status.OPEN,
                closed_at=now if closed else None,
                closure_reason=rng.choice(CLOSURE_REASONS) if closed else "",
                at_risk_from_multiple_perpetrators=rng.random() < 0.8,
                risk_level=rng.choice(RiskLevel.values),
            )
        )
    Case.objects.bulk_create(cases)

    people = []
    for case in cases:
        perp_family = rng.choice(PERPETRATOR_FAMILY)
        people += [
            Person(
                case=case,
                role=Person.Role.SURVIVOR,
                given_name=rng.choice(SURVIVOR_GIVEN),
                family_name=rng.choice(GENERATED_FAMILY),
                date_of_birth=_birthday(rng, rng.randint(18, 60)),
                gender="Female",
                address=_address(rng),
                phone=_phone(rng),
            ),
            Person(
                case=case,
                role=Person.Role.PRIMARY_PERPETRATOR,
                given_name=rng.choice(MALE_GIVEN),
                family_name=perp_family,
                gender="Male",
                address=_address(rng),
                phone=_phone(rng),
            ),
            Person(
                case=case,
                role=Person.Role.ASSOCIATE,
                given_name=rng.choice(MALE_GIVEN + OTHER_GIVEN),
                family_name=rng.choice([perp_family, ""]),
                notes=rng.choice(ASSOCIATES)[1],
            ),
        ]
    Person.objects.bulk_create(people)
    perpetrators = people[1::3]
    Alias.objects.bulk_create(
        Alias(person=p, name=name) for p in perpetrators for name in rng.sample(NICKNAMES, 2)
    )
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            case=case,
            kind=ChronologyEntry.Kind.CONTACT,
            occurred_at=case.opened_at,
            recorded_by=case.lead,
            recorded_at=case.opened_at,
            text=f"First contact with {survivor.given_name} at a safe time. "
            f"{rng.choice(CATALYSTS)}",
        )
        for case, survivor in zip(cases, people[0::3], strict=True)
    )
    SafeContact.objects.bulk_create(
        SafeContact(
            case=case,
            can_contact=rng.choice(SafeContact.CanContact.values),
            never=rng.choice(NEVER),
        )
        for case in cases
    )
    CaseTask.objects.bulk_create(
        CaseTask(
            case=case,
            title=rng.choice(TASKS).format(given="her", nick="the perpetrator"),
            due_on=timezone.localdate(now) + timedelta(days=rng.randint(-30, 30)),
            assignee=case.lead,
            created_by=case.lead,
        )
        for case in cases
    )
    CaseUserObjectPermission.objects.bulk_create(
        CaseUserObjectPermission(
            content_object=case,
            user=case.lead,
            permission=perm,
            scope=Scope.FULL,
            reason="Lead worker (generated demo case)",
            granted_by=case.lead,
            granted_at=case.opened_at,
        )
        for case in cases
        for perm in perms
    )

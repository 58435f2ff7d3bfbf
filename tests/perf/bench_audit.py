"""The audit trail at 1,000,000 access events: the review pages, the hash chain, the
anomaly flags, and what writing one access event costs a case page.

Not part of `make test` (the name does not match test_*.py): run `make perf`, and see
README.md in this folder for what the numbers mean.
"""

import logging
import math
import os
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit import chain, review
from audit.models import AccessEvent, AuditCursor, ReviewFlag
from cases.models import Case
from tests.factories import AgencyFactory, TeamFactory, UserFactory, make_case
from tests.helpers import signed_in

EVENTS = int(os.environ.get("HARBOUR_PERF_EVENTS", "1000000"))
REQUESTS = int(os.environ.get("HARBOUR_PERF_REQUESTS", "200"))
CASE_PAGE_REQUESTS = int(os.environ.get("HARBOUR_PERF_CASE_PAGE_REQUESTS", "300"))
INSERTS = int(os.environ.get("HARBOUR_PERF_INSERTS", "1000"))
WORKERS = 200  # staff whose events fill the table
CASE_IDS = 20_000  # distinct case ids in the events
DAYS = 90  # how far back the events go
REAL_CASES = 20  # real cases (make_case) whose ids are among the 20,000
SYNTHETIC_CASE_IDS = 10_000_000  # the other case ids: plain ids, as of deleted cases
WARM_UP = 10
TARGET_P95_MS = 100  # DESIGN.md "Non-functional targets"
SLOW_SELECT_MS = 10  # a page over target has its slowest SELECT explained if it takes this
MIDDLEWARE = "audit.events.AccessEventMiddleware"

EMAIL = "audit-bench-{}@perf.harbour.example"  # the benchmark's own staff

REPORT: dict = {"rows": [], "jobs": [], "cost": [], "facts": {}, "explain": []}


# --- Database -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The same database as bench_cases.py (test_harbour_perf), whichever module runs
    first; `--reuse-db` can keep its 1,000,000 events."""
    test = settings.DATABASES["default"].setdefault("TEST", {})
    base = test.get("NAME") or f"test_{settings.DATABASES['default']['NAME']}"
    test["NAME"] = base if base.endswith("_perf") else f"{base}_perf"


# Every row drawn in SQL, in one statement. Per row: a worker (power-law skew: the busiest
# of 200 does about 30,000 views in 90 days, the quietest about 3,000); a case, 85% from
# the worker's own caseload of 100 and 15% from anywhere (20 of the 20,000 ids are real
# cases); what was looked at and how; 95% of events in working hours on weekdays, the
# rest at any time; break-glass about 8% of the night-duty team's views (the last 10
# workers) and 0.1% of everyone else's. Inserted in time order, so ids follow time as
# they do on a live system.
EVENTS_SQL = """
WITH r AS MATERIALIZED (
    SELECT random() AS u, random() AS c, random() AS c2, random() AS k, random() AS a,
           random() AS t, random() AS d, random() AS h, random() AS b, random() AS o,
           random() AS ip1, random() AS ip2
    FROM generate_series(1, %(rows)s)
), w AS MATERIALIZED (
    SELECT r.*,
           1 + floor(%(workers)s * power(u, 1.5))::int AS worker,
           date_trunc('day', now() AT TIME ZONE %(tz)s)
               - floor(d * %(days)s) * interval '1 day' AS day
    FROM r
), e AS MATERIALIZED (
    SELECT w.*,
        CASE
            WHEN k < 0.01 THEN NULL
            WHEN c < 0.85 THEN (worker - 1) * %(caseload)s + floor(c2 * %(caseload)s)::int
            ELSE floor(c2 * %(cases)s)::int
        END AS idx,
        CASE
            WHEN k < 0.01 THEN 'audit'
            WHEN k < 0.42 THEN 'case'
            WHEN k < 0.57 THEN 'person'
            WHEN k < 0.67 THEN 'chronology'
            WHEN k < 0.75 THEN 'risk'
            WHEN k < 0.81 THEN 'assessment'
            WHEN k < 0.86 THEN 'safety_plan'
            WHEN k < 0.90 THEN 'safe_contact'
            WHEN k < 0.93 THEN 'disclosure'
            WHEN k < 0.96 THEN 'access'
            WHEN k < 0.98 THEN 'decisions'
            ELSE 'sharing'
        END AS kind,
        CASE
            WHEN k < 0.01 THEN 'review-events'
            WHEN a < 0.02 THEN 'attempt'
            WHEN a < 0.10 THEN 'edit-form'
            WHEN a < 0.12 THEN 'download-pdf'
            WHEN a < 0.15 THEN 'change'
            ELSE 'view'
        END AS act,
        CASE
            WHEN t < 0.95 THEN LEAST(now(), (
                day - CASE extract(isodow FROM day)
                          WHEN 6 THEN interval '1 day'
                          WHEN 7 THEN interval '2 days'
                          ELSE interval '0'
                      END
                + make_interval(hours => %(start)s)
                + h * make_interval(hours => %(hours)s)
            ) AT TIME ZONE %(tz)s)
            ELSE now() - d * %(days)s * interval '1 day'
        END AS moment
    FROM w
), f AS (
    SELECT e.*,
        CASE
            WHEN idx IS NULL THEN NULL
            WHEN mod(idx, %(spread)s) = 0 AND idx / %(spread)s < %(real_count)s
                THEN (%(real)s::bigint[])[idx / %(spread)s + 1]
            ELSE %(synthetic)s + idx
        END AS case_id
    FROM e
)
INSERT INTO audit_accessevent
    (at, user_id, case_id, object_kind, object_id, action, outcome, break_glass, ip_address)
SELECT
    moment,
    (%(user_ids)s::bigint[])[worker],
    case_id,
    kind,
    CASE kind
        WHEN 'case' THEN case_id
        WHEN 'audit' THEN NULL
        ELSE 1 + floor(o * 5000000)::bigint
    END,
    act,
    CASE WHEN act = 'attempt' THEN 'denied' ELSE 'allowed' END,
    kind <> 'audit' AND act <> 'attempt'
        AND b < CASE WHEN worker > %(workers)s - 10 THEN 0.08 ELSE 0.001 END,
    ('10.' || mod(worker, 16) || '.' || floor(ip1 * 256)::int || '.'
        || (1 + floor(ip2 * 254)::int))::inet
FROM f
ORDER BY moment
"""


def build_staff():
    """The 200 workers (no password, never signed in), the lead of the real cases, a
    manager of the first team and an auditor, then the real cases."""
    agencies = [
        AgencyFactory(name=f"Audit bench agency {n} (fictional)", kind=kind)
        for n, kind in enumerate(["idva", "police", "csc", "housing", "health"])
    ]
    teams = [
        TeamFactory(agency=agencies[n % len(agencies)], name=f"Audit bench team {n}")
        for n in range(20)
    ]
    workers = []
    for n in range(1, WORKERS + 1):
        team = teams[(n - 1) // 10]
        worker = User(
            email=EMAIL.format(f"worker{n:03}"),
            full_name=f"Worker {n:03} (audit bench)",
            team=team,
            agency=team.agency,
        )
        worker.set_unusable_password()
        workers.append(worker)
    User.objects.bulk_create(workers)
    lead = UserFactory(
        email=EMAIL.format("lead"),
        full_name="Lena Lead (audit bench)",
        team=teams[0],
        roles=[Role.CASEWORKER],
    )
    UserFactory(
        email=EMAIL.format("manager"),
        full_name="Mina Manager (audit bench)",
        team=teams[0],
        roles=[Role.MANAGER],
    )
    UserFactory(
        email=EMAIL.format("auditor"),
        full_name="Audrey Auditor (audit bench)",
        team=teams[0],
        roles=[Role.AUDITOR],
    )
    for n in range(REAL_CASES):
        make_case(lead, survivor_name=("Sam", f"Survivor-Audit{n:02}"))


def insert_events(rows: int) -> None:
    workers = list(
        User.objects.filter(email__startswith="audit-bench-worker")
        .order_by("email")
        .values_list("pk", flat=True)
    )
    real = list(real_cases().values_list("pk", flat=True))
    start, end = settings.AUDIT_WORKING_HOURS
    with connection.cursor() as cursor:
        cursor.execute(
            EVENTS_SQL,
            {
                "rows": rows,
                "workers": len(workers),
                "user_ids": workers,
                "caseload": CASE_IDS // len(workers),
                "cases": CASE_IDS,
                "days": DAYS,
                "tz": settings.TIME_ZONE,
                "start": start,
                "hours": end - start,
                "spread": CASE_IDS // len(real),
                "real_count": len(real),
                "real": real,
                "synthetic": SYNTHETIC_CASE_IDS,
            },
        )


def real_cases():
    return Case.objects.filter(lead__email=EMAIL.format("lead")).order_by("pk")


def timed_inserts(user, case, count: int) -> list[float]:
    """`count` AccessEvent.objects.create() calls, as the middleware makes them; µs each."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        AccessEvent.objects.create(
            user=user,
            case_id=case.pk,
            object_kind="case",
            object_id=case.pk,
            action="view",
            outcome=AccessEvent.Outcome.ALLOWED,
            ip_address="10.0.0.1",
        )
        times.append((time.perf_counter() - started) * 1_000_000)
    return times


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The staff, 20 real cases and 1,000,000 access events, committed once for the
    session."""
    facts = REPORT["facts"]
    facts["load"] = " ".join(f"{n:.2f}" for n in os.getloadavg())
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        if not User.objects.filter(email=EMAIL.format("auditor")).exists():
            started = time.perf_counter()
            build_staff()
            facts["staff"] = f"{time.perf_counter() - started:.1f} s"
        missing = EVENTS - AccessEvent.objects.count()
        if missing > 0:
            bulk = max(0, missing - INSERTS)
            started = time.perf_counter()
            insert_events(bulk)
            facts["insert"] = f"{bulk:,} rows in {time.perf_counter() - started:.1f} s"
            # The last rows as the middleware writes them: autocommit, so a commit (WAL
            # flush) each.
            lead = User.objects.get(email=EMAIL.format("lead"))
            facts["committed_inserts"] = timed_inserts(lead, real_cases().first(), missing - bulk)
            # An append-only table on a live database is vacuumed for its inserts (the
            # visibility map) and analysed by autovacuum; a fresh bulk load is neither.
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE) audit_accessevent")
                cursor.execute("ANALYZE")
            facts["vacuum"] = f"{time.perf_counter() - started:.1f} s"
        else:
            facts["insert"] = "skipped (--reuse-db kept an earlier run's events)"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), count(DISTINCT user_id), count(DISTINCT case_id), "
                "min(at), max(at), count(*) FILTER (WHERE break_glass), "
                "count(*) FILTER (WHERE outcome = 'denied'), "
                "pg_size_pretty(pg_total_relation_size('audit_accessevent')) "
                "FROM audit_accessevent"
            )
            row = cursor.fetchone()
        facts.update(
            database=connection.settings_dict["NAME"],
            events=row[0],
            users=row[1],
            case_ids=row[2],
            days=(row[4] - row[3]).days if row[0] else 0,
            break_glass=row[5],
            denied=row[6],
            size=row[7],
        )


@pytest.fixture(scope="module", autouse=True)
def report():
    # Every sign-in below logs a line from django-axes at INFO; the table is what matters.
    axes = logging.getLogger("axes")
    level = axes.level
    axes.setLevel(logging.WARNING)
    yield
    axes.setLevel(level)
    print(table())


@pytest.fixture
def auditor(db):
    return User.objects.get(email=EMAIL.format("auditor"))


@pytest.fixture
def manager(db):
    return User.objects.get(email=EMAIL.format("manager"))


@pytest.fixture
def lead(db):
    return User.objects.get(email=EMAIL.format("lead"))


# --- Measuring --------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure(label: str, calls: list) -> None:
    """Time each call (a request through django.test.Client), count its queries and keep
    its slowest SELECT (EXPLAIN ANALYZE'd in the report when the page misses the target)."""
    for call in calls[:WARM_UP]:
        call()
    times, queries, sql, slowest = [], [], [], []
    worst = (0.0, "")
    for call in calls:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (label, response.status_code)
        queries.append(len(captured.captured_queries))
        # Django records each query's time to the millisecond.
        sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        selects = [q for q in captured.captured_queries if q["sql"].startswith("SELECT")]
        top = max(selects, key=lambda q: float(q["time"]))
        slowest.append(float(top["time"]) * 1000)
        if float(top["time"]) * 1000 >= worst[0]:
            worst = (float(top["time"]) * 1000, top["sql"])
    REPORT["rows"].append((label, times, queries, sql, slowest))
    if percentile(times, 95) > TARGET_P95_MS:
        explain(label, worst[1], percentile(slowest, 50), percentile(sql, 50))


def explain(label: str, sql: str, slowest_ms: float, sql_ms: float) -> None:
    """EXPLAIN ANALYZE the page's slowest SELECT, when the database is where the time goes."""
    if slowest_ms < SLOW_SELECT_MS:
        REPORT["explain"].append(
            (
                label,
                f"its SQL takes {sql_ms:.0f} ms (p50), no SELECT over {SLOW_SELECT_MS} ms: "
                "the time is outside the database",
                "",
            )
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = "\n".join(f"    {line}" for (line,) in cursor.fetchall())
    REPORT["explain"].append((label, f"its slowest SELECT, EXPLAIN ANALYZE:\n  {sql}", plan))


def repeat(calls: list, count: int) -> list:
    return (calls * (count // len(calls) + 1))[:count]


# --- The review pages, signed in as an auditor -------------------------------------------


def test_events_unfiltered(client, auditor):
    signed_in(client, auditor)
    url = reverse("audit:events")
    measure("GET /audit/", [lambda: client.get(url)] * REQUESTS)


def test_events_by_case(client, auditor):
    signed_in(client, auditor)
    url = reverse("audit:events")
    references = list(real_cases().values_list("reference", flat=True))
    calls = [(lambda r=r: client.get(url, {"case": r})) for r in references]
    measure("GET /audit/?case=<reference>", repeat(calls, REQUESTS))


def test_events_by_person(client, auditor):
    signed_in(client, auditor)
    url = reverse("audit:events")
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    workers = list(
        User.objects.filter(email__startswith="audit-bench-worker")
        .order_by("email")
        .values_list("pk", flat=True)
    )
    # Busy and quiet people alike: every tenth worker.
    calls = [(lambda pk=pk: client.get(url, {"user": pk, "date_from": since})) for pk in workers]
    measure("GET /audit/?user=<id>&date_from=-30d", repeat(calls[::10], REQUESTS))


def test_events_break_glass(client, auditor):
    signed_in(client, auditor)
    url = reverse("audit:events")
    measure(
        "GET /audit/?break_glass=on", [lambda: client.get(url, {"break_glass": "on"})] * REQUESTS
    )


def test_events_as_manager(client, manager):
    """Not in the brief's list, but the other reviewer: a manager's events are their
    team's people's and their team's cases' (an OR over a subquery)."""
    signed_in(client, manager)
    url = reverse("audit:events")
    measure("GET /audit/ (manager, team scope)", [lambda: client.get(url)] * REQUESTS)


# --- The batch jobs over 1,000,000 rows (rolled back with the test) -----------------------


def test_flag_anomalies_then_review_queue(client, auditor):
    """flag_anomalies() works through the backlog 50,000 events a call; the review queue
    is then measured with the flags it made (both inside the test's transaction)."""
    target = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()
    calls = flags = 0
    started = time.perf_counter()
    while AuditCursor.objects.filter(name="flags", last_id__gte=target).count() == 0:
        flags += review.flag_anomalies()
        calls += 1
    elapsed = time.perf_counter() - started
    kinds = ", ".join(
        f"{kind} {ReviewFlag.objects.filter(kind=kind).count():,}"
        for kind in ReviewFlag.Kind.values
    )
    REPORT["jobs"].append(
        ("audit.review.flag_anomalies()", elapsed, f"{calls} calls, {flags:,} flags ({kinds})")
    )

    signed_in(client, auditor)
    url = reverse("audit:queue")
    measure(
        "GET /audit/review/?status=all", [lambda: client.get(url, {"status": "all"})] * REQUESTS
    )


def test_seal_then_verify(db):
    """What `manage.py verify_audit` does: seal every unsealed audit row, then walk the
    whole chain."""
    started = time.perf_counter()
    sealed = chain.seal()
    REPORT["jobs"].append(("audit.chain.seal()", time.perf_counter() - started, f"{sealed:,} rows"))
    started = time.perf_counter()
    result = chain.verify()
    REPORT["jobs"].append(
        (
            "audit.chain.verify()",
            time.perf_counter() - started,
            f"{result.checked:,} rows, {'intact' if result.ok else result.problem}",
        )
    )
    assert result.ok, result.problem


# --- What one access event adds to a case page -------------------------------------------


def test_case_page_with_and_without_access_event(lead):
    """The lead's case page, alternately through the full middleware stack and through
    the same stack without AccessEventMiddleware (so drift hits both alike)."""
    case = real_cases().first()
    url = reverse("cases:detail", args=[case.pk])
    before = AccessEvent.objects.count()
    with_event = signed_in(Client(), lead)
    with_event.get(url)  # builds its middleware chain with the event middleware
    without = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    with override_settings(MIDDLEWARE=without):
        without_event = signed_in(Client(), lead)  # its chain is built under the override
        for _ in range(WARM_UP):
            with_event.get(url)
            without_event.get(url)
        assert AccessEvent.objects.count() == before + 1 + WARM_UP
        counts = {}
        for name, client in [("with", with_event), ("without", without_event)]:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts[name] = len(captured.captured_queries)
        times = {"with": [], "without": []}
        for n in range(CASE_PAGE_REQUESTS * 2):
            name, client = [("with", with_event), ("without", without_event)][n % 2]
            started = time.perf_counter()
            response = client.get(url)
            times[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    assert AccessEvent.objects.count() == before + 2 + WARM_UP + CASE_PAGE_REQUESTS
    REPORT["cost"] = [
        ("GET /cases/<pk>/ with AccessEventMiddleware", times["with"], counts["with"]),
        ("GET /cases/<pk>/ without it", times["without"], counts["without"]),
    ]


def test_insert_micro_timing(lead):
    """AccessEvent.objects.create() against the 1,000,000-row table, inside the test's
    transaction (so no commit each: the committed figure comes from the data build)."""
    REPORT["facts"]["inserts"] = timed_inserts(lead, real_cases().first(), INSERTS)


# --- The report -----------------------------------------------------------------------


def micro(times: list[float]) -> str:
    return (
        f"mean {sum(times) / len(times):.0f} µs, p50 {percentile(times, 50):.0f} µs, "
        f"p95 {percentile(times, 95):.0f} µs"
    )


def table() -> str:
    facts = REPORT["facts"]
    lines = [
        "",
        f"Harbour audit trail — {facts.get('events', 0):,} access events ({facts.get('size')}) "
        f"by {facts.get('users', '?')} users over {facts.get('case_ids', 0):,} case ids and "
        f"{facts.get('days', '?')} days; {facts.get('break_glass', 0):,} break-glass, "
        f"{facts.get('denied', 0):,} refused. Database {facts.get('database')}, "
        f"{os.cpu_count()} CPUs; load average {facts.get('load')} at the start, "
        f"{' '.join(f'{n:.2f}' for n in os.getloadavg())} at the end.",
        f"Data build: staff and {REAL_CASES} cases {facts.get('staff', 'skipped')}; "
        f"INSERT … SELECT generate_series {facts.get('insert', '?')}; "
        f"VACUUM (ANALYZE) {facts.get('vacuum', 'skipped')}",
        "",
        f"Auditor (and one manager row), django.test.Client, {REQUESTS} requests each "
        f"after {WARM_UP} warm-up:",
        f"  {'page':40} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} "
        f"{'SQL ms p50':>11} {'slowest SELECT p50':>19}",
    ]
    for label, times, queries, sql, slowest in REPORT["rows"]:
        spread = (
            f"{min(queries)}" if min(queries) == max(queries) else f"{min(queries)}-{max(queries)}"
        )
        lines.append(
            f"  {label:40} {len(times):>5} {percentile(times, 50):>8.1f} "
            f"{percentile(times, 95):>8.1f} {max(times):>8.1f} {spread:>8} "
            f"{percentile(sql, 50):>11.0f} {percentile(slowest, 50):>16.0f} ms"
        )
    if REPORT["jobs"]:
        lines += ["", "Batch jobs over the table (inside the test's transaction):"]
        for label, seconds, detail in REPORT["jobs"]:
            lines.append(f"  {label:40} {seconds:>8.1f} s   {detail}")
    if REPORT["cost"]:
        lines += [
            "",
            f"One access event on the lead's case page, {CASE_PAGE_REQUESTS} requests each, "
            "alternating:",
            f"  {'page':45} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'mean ms':>8} "
            f"{'queries':>8}",
        ]
        stats = []
        for label, times, queries in REPORT["cost"]:
            row = (
                percentile(times, 50),
                percentile(times, 95),
                max(times),
                sum(times) / len(times),
            )
            stats.append(row)
            lines.append(
                f"  {label:45} {row[0]:>8.2f} {row[1]:>8.2f} {row[2]:>8.2f} {row[3]:>8.2f} "
                f"{queries:>8}"
            )
        diff = [a - b for a, b in zip(stats[0], stats[1], strict=True)]
        lines.append(
            f"  {'difference (the access event)':45} {diff[0]:>+8.2f} {diff[1]:>+8.2f} "
            f"{'':>8} {diff[3]:>+8.2f} {REPORT['cost'][0][2] - REPORT['cost'][1][2]:>+8}"
        )
    if "inserts" in facts:
        lines.append(
            f"AccessEvent.objects.create() × {INSERTS}, in the test's transaction: "
            f"{micro(facts['inserts'])}"
        )
    if "committed_inserts" in facts:
        lines.append(
            f"AccessEvent.objects.create() × {len(facts['committed_inserts'])}, autocommit "
            f"(a commit each, as in production), at data build: "
            f"{micro(facts['committed_inserts'])}"
        )
    lines.append(f"Target (DESIGN.md): p95 under {TARGET_P95_MS} ms.")
    for label, what, plan in REPORT["explain"]:
        lines += ["", f"{label}: p95 over target; {what}"]
        if plan:
            lines.append(plan)
    return "\n".join(lines)

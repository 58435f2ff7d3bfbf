"""The case list and case page on 20,000 cases: latency and query counts for one user, then
for 10 users at once against a live server.

Not part of `make test` (the name does not match test_*.py): run `make perf`, and see
README.md in this folder for what the numbers mean.
"""

import logging
import math
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from io import StringIO
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPRedirectHandler, Request, build_opener, urlopen

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.demo import demo_email
from accounts.models import User
from cases.models import Alias, Case, CaseUserObjectPermission, Person
from tests.helpers import signed_in

CASES = int(os.environ.get("HARBOUR_PERF_CASES", "20000"))
REQUESTS = int(os.environ.get("HARBOUR_PERF_REQUESTS", "200"))
USERS = int(os.environ.get("HARBOUR_PERF_USERS", "10"))
SECONDS = float(os.environ.get("HARBOUR_PERF_SECONDS", "20"))
WARM_UP = 10
TARGET_P95_MS = 100  # DESIGN.md "Non-functional targets"

REPORT: dict = {"rows": [], "concurrent": [], "facts": {}}


# --- Database -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A test database of its own (test_harbour_perf), so a benchmark never collides with
    a `make test` running at the same time, and `--reuse-db` can keep its 20,000 cases."""
    test = settings.DATABASES["default"].setdefault("TEST", {})
    base = test.get("NAME") or f"test_{settings.DATABASES['default']['NAME']}"
    test["NAME"] = f"{base}_perf"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo data plus `seed_demo --cases 20000`, committed once for the session."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        if Case.objects.count() < CASES:
            started = time.perf_counter()
            call_command("seed_demo", cases=CASES, stdout=StringIO())
            REPORT["facts"]["seed"] = f"{time.perf_counter() - started:.1f} s"
        else:
            REPORT["facts"]["seed"] = "skipped (--reuse-db kept an earlier run's cases)"
        # Fresh bulk loads have no planner statistics until autovacuum gets to them; a
        # live database always has them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        caseworker = User.objects.get(email=demo_email("caseworker"))
        REPORT["facts"].update(
            database=connection.settings_dict["NAME"],
            cases=Case.objects.count(),
            people=Person.objects.count(),
            grants=CaseUserObjectPermission.objects.count(),
            visible=Case.objects.visible_to(caseworker).count(),
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
def caseworker(db):
    return User.objects.get(email=demo_email("caseworker"))


def workload(user, count: int) -> dict:
    """Case pages and search terms the user can meaningfully ask for: their cases'
    references, survivors' names, perpetrators' nicknames, fragments and misses."""
    rng = random.Random(7)
    visible = list(Case.objects.visible_to(user).values_list("pk", "reference"))
    rng.shuffle(visible)
    pks = [pk for pk, _ in visible[:count]]
    names = list(Person.objects.filter(case_id__in=pks[:50]).values_list("family_name", flat=True))
    aliases = list(
        Alias.objects.filter(person__case_id__in=pks[:50]).values_list("name", flat=True)
    )
    terms = (
        [ref for _, ref in visible[:20]]
        + rng.sample([n for n in names if n], 20)
        + rng.sample(aliases, 20)
        + ["Leah", "Demo", "ash", "Nobody-Matches-This"]
    )
    rng.shuffle(terms)
    return {"pks": pks, "terms": terms}


# --- One user, in process -------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure(label: str, calls: list) -> None:
    """Time each call (a request through django.test.Client) and count its queries."""
    for call in calls[:WARM_UP]:
        call()
    times, queries = [], []
    for call in calls:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (label, response.status_code)
        queries.append(len(captured.captured_queries))
    REPORT["rows"].append((label, times, queries))


def test_case_list(client, caseworker):
    signed_in(client, caseworker)
    url = reverse("cases:list")
    measure("GET  /cases/", [lambda: client.get(url)] * REQUESTS)


def test_case_list_search(client, caseworker):
    signed_in(client, caseworker)
    url = reverse("cases:list")
    terms = workload(caseworker, REQUESTS)["terms"]
    form = {"status": "open", "risk": "", "amp": "", "lead": ""}
    calls = [
        (lambda q=q: client.post(url, {**form, "q": q}))
        for q in (terms * (REQUESTS // len(terms) + 1))[:REQUESTS]
    ]
    measure("POST /cases/ q=… (full page)", calls)
    htmx = [
        (lambda q=q: client.post(url, {**form, "q": q}, headers={"HX-Request": "true"}))
        for q in (terms * (REQUESTS // len(terms) + 1))[:REQUESTS]
    ]
    measure("POST /cases/ q=… (htmx fragment)", htmx)


def test_case_detail(client, caseworker):
    signed_in(client, caseworker)
    pks = workload(caseworker, REQUESTS)["pks"]
    calls = [
        (lambda pk=pk: client.get(reverse("cases:detail", args=[pk])))
        for pk in (pks * (REQUESTS // len(pks) + 1))[:REQUESTS]
    ]
    measure("GET  /cases/<pk>/", calls)


# --- Ten users at once, over HTTP -----------------------------------------------------


class NoRedirects(HTTPRedirectHandler):
    # A redirect here means a lost session (to the sign-in page): count it as an error.
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One signed-in user over plain HTTP (stdlib urllib): cookies and the CSRF token."""

    def __init__(self, base_url: str, session_key: str):
        self.base_url = base_url
        self.cookies = {settings.SESSION_COOKIE_NAME: session_key}
        self.token = ""
        self.opener = build_opener(NoRedirects)

    def request(self, path: str, data: dict | None = None) -> int:
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.token}).encode()
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = Request(self.base_url + path, data=body, headers={"Cookie": cookie})
        try:
            with self.opener.open(request, timeout=60) as response:
                html = response.read().decode()
                status = response.status
                set_cookies = response.headers.get_all("Set-Cookie") or []
        except HTTPError as error:
            return error.code
        for header in set_cookies:
            for morsel in SimpleCookie(header).values():
                self.cookies[morsel.key] = morsel.value
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if token:
            self.token = token.group(1)
        return status


def run_load(base_url: str, server: str) -> None:
    """USERS signed-in users at once, for SECONDS, against the server at base_url."""
    caseworker = User.objects.get(email=demo_email("caseworker"))
    work = workload(caseworker, REQUESTS)
    list_url = reverse("cases:list")
    form = {"status": "open", "risk": "", "amp": "", "lead": ""}
    browsers = []
    for _ in range(USERS):
        client = signed_in(Client(), caseworker)
        browser = Browser(base_url, client.cookies[settings.SESSION_COOKIE_NAME].value)
        assert browser.request(list_url) == 200  # warm-up; fetches the CSRF token
        browsers.append(browser)

    results: list[list[tuple[str, float, int]]] = [[] for _ in browsers]
    start = threading.Barrier(USERS + 1)

    clock = {}

    def user(number: int, browser: Browser) -> None:
        rng = random.Random(number)
        start.wait()
        while time.perf_counter() < clock["deadline"]:
            kind = rng.choice(["GET  /cases/", "POST /cases/ q=…", "GET  /cases/<pk>/"])
            began = time.perf_counter()
            if kind.startswith("GET  /cases/<"):
                status = browser.request(reverse("cases:detail", args=[rng.choice(work["pks"])]))
            elif kind.startswith("POST"):
                status = browser.request(list_url, {**form, "q": rng.choice(work["terms"])})
            else:
                status = browser.request(list_url)
            results[number].append((kind, (time.perf_counter() - began) * 1000, status))

    threads = [threading.Thread(target=user, args=(n, b)) for n, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    clock["deadline"] = started + SECONDS
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    flat = [r for rows in results for r in rows]
    errors = [r for r in flat if r[2] != 200]
    rows = []
    for kind in ["GET  /cases/", "POST /cases/ q=…", "GET  /cases/<pk>/"]:
        rows.append((kind, [ms for k, ms, _ in flat if k == kind]))
    rows.append(("all requests", [ms for _, ms, _ in flat]))
    REPORT["concurrent"].append(
        (server, f"{len(flat) / elapsed:.1f} requests/s over {elapsed:.1f} s", len(errors), rows)
    )
    assert not errors, errors[:5]


def test_ten_users_at_once(live_server, transactional_db):
    # Both servers in one test: a transactional test empties the database when it ends.
    run_load(live_server.url, "live_server (one process, threads)")
    run_under_gunicorn()


def _database_url() -> str:
    db = connection.settings_dict
    if db["HOST"].startswith("/"):
        return f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def run_under_gunicorn():
    """The same load against a production-like server: gunicorn, 2 workers x 4 threads
    (one process per core), persistent database connections."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DEBUG": "true",  # static files from the finders; the pages are the same
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "600",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urlopen(base + "/healthz", timeout=1)  # noqa: S310 - our own loopback server
                break
            except OSError:
                time.sleep(0.2)
        run_load(base, "gunicorn (2 workers x 4 threads)")
    finally:
        server.terminate()
        server.wait(timeout=20)


# --- The report -----------------------------------------------------------------------


def table() -> str:
    facts = REPORT["facts"]
    lines = [
        "",
        f"Harbour case pages — {facts.get('cases', '?')} cases, {facts.get('people', '?')} "
        f"people, {facts.get('grants', '?')} grant rows; the demo caseworker sees "
        f"{facts.get('visible', '?')} cases. Database {facts.get('database')}, "
        f"{os.cpu_count()} CPUs.",
        f"seed_demo --cases {CASES}: {facts.get('seed', '?')}",
        "",
        f"One user, django.test.Client, {REQUESTS} requests each after {WARM_UP} warm-up:",
        f"  {'page':34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>12}",
    ]
    for label, times, queries in REPORT["rows"]:
        spread = (
            f"{min(queries)}" if min(queries) == max(queries) else f"{min(queries)}-{max(queries)}"
        )
        lines.append(
            f"  {label:34} {len(times):>5} {percentile(times, 50):>8.1f} "
            f"{percentile(times, 95):>8.1f} {max(times):>8.1f} {spread:>12}"
        )
    for server, throughput, errors, rows in REPORT["concurrent"]:
        lines += [
            "",
            f"{USERS} users at once against {server}, urllib, {SECONDS:.0f} s: "
            f"{throughput}, {errors} errors",
            f"  {'page':34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}",
        ]
        for label, times in rows:
            if times:
                lines.append(
                    f"  {label:34} {len(times):>5} {percentile(times, 50):>8.1f} "
                    f"{percentile(times, 95):>8.1f} {max(times):>8.1f}"
                )
    lines.append(f"Target (DESIGN.md): p95 under {TARGET_P95_MS} ms with 10 users on 2 cores.")
    return "\n".join(lines)

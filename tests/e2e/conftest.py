"""Real-browser tests: Playwright driving Debian's /usr/bin/chromium against live_server.

Playwright's sync API runs an event loop in the test thread, so Django's async-safety
check would refuse the ORM calls the tests make; these tests only (stack-notes §9).
"""

import os

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    # A CSP violation or a missing asset shows up as a console error.
    assert not errors, errors


@pytest.fixture
def sign_in(browser, live_server):
    """sign_in(user) -> a new page signed in as that user through the real pages."""
    from tests.factories import TEST_PASSWORD, totp_code

    contexts = []

    def _sign_in(user, password=TEST_PASSWORD):
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.locator("main").get_by_role("button", name="Continue").click()
        page.get_by_role("textbox", name="Code").fill(totp_code(user))
        page.locator("main").get_by_role("button", name="Verify").click()
        page.wait_for_url(live_server.url + "/")
        return page

    yield _sign_in
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _migrated_data(transactional_db):
    """Transactional tests flush every table, data migrations' rows included: put back the
    question sets (idempotent) so each browser test starts from a migrated database."""
    import importlib

    from django.apps import apps

    importlib.import_module("risk.migrations.0002_question_sets_v1").load(apps, None)

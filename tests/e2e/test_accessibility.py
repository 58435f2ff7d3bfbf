"""axe-core (from npm, never a CDN) on the main pages: no WCAG 2.x A/AA violations.

The context bypasses CSP only so the test can inject axe; the pages themselves are
unchanged."""

from pathlib import Path

import pytest

from accounts.models import Role
from cases.models import Person
from risk import services as risk_services
from tests.factories import TEST_PASSWORD, UserFactory, add_person, make_case, totp_code

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def test_main_pages_have_no_axe_violations(browser, live_server, lead, manager, admin):
    case = make_case(lead)
    perpetrator = add_person(case, Person.Role.PRIMARY_PERPETRATOR, "Dean", aliases=["D"])
    dash = risk_services.assessment_start(
        acting_user=lead, case=case, code="dash_ric", subject=perpetrator
    )
    plan = risk_services.safety_plan_start(acting_user=lead, case=case)
    auditor = UserFactory(roles=[Role.AUDITOR], team=lead.team)

    def pages_for(user, paths):
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        page = context.new_page()
        found = {}
        page.goto("/accounts/login/")
        found["/accounts/login/"] = violations(page)
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.locator("main").get_by_role("button", name="Continue").click()
        found["/accounts/2fa/"] = violations(page)
        page.get_by_role("textbox", name="Code").fill(totp_code(user))
        page.locator("main").get_by_role("button", name="Verify").click()
        page.wait_for_url(live_server.url + "/")
        for path in paths:
            page.goto(path)
            found[path] = violations(page)
        context.close()
        return found

    results = pages_for(
        lead,
        [
            "/",
            "/cases/",
            "/cases/new/",
            f"/cases/{case.pk}/",
            f"/cases/{case.pk}/people/new/",
            f"/cases/{case.pk}/disclosures/new/",
            f"/cases/{case.pk}/access/",
            f"/cases/{case.pk}/risk/",
            f"/cases/{case.pk}/risk/assessments/{dash.pk}/",
            f"/cases/{case.pk}/safety-plan/{plan.pk}/",
            f"/cases/{case.pk}/decisions/",
            f"/cases/{case.pk}/sharing/new/",
            "/cases/emergency-access/",
        ],
    )
    results.update(pages_for(auditor, ["/audit/", "/audit/review/"]))
    results.update(pages_for(admin, ["/staff/", "/staff/new/"]))
    problems = {path: found for path, found in results.items() if found}
    assert not problems, problems

"""The core journey in Chromium: open a case, record Stage 1, map the perpetrators,
name a colleague; the colleague sees it and an outsider gets 404."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


def test_caseworker_opens_a_case_and_shares_it_with_a_colleague(sign_in, lead, colleague, outsider):
    page = sign_in(lead)
    page.get_by_role("link", name="Cases", exact=True).first.click()
    page.get_by_role("link", name="New case").click()
    page.get_by_label("Given name").fill("Rosa")
    page.get_by_label("Family name").fill("Example-Demo")
    page.get_by_label("Aliases").fill("Ro")
    page.get_by_role("button", name="Check for an existing record").click()
    expect(page.get_by_test_id("no-matches")).to_be_visible()
    page.get_by_role("button", name="Open a new case").click()
    expect(page.get_by_text(re.compile(r"Case H-\d{4}-\d{5} opened"))).to_be_visible()
    case = Case.objects.get(people__family_name="Example-Demo")
    case_url = page.url

    # Stage 1: the disclosure.
    page.get_by_role("link", name="Record a disclosure").click()
    page.get_by_label("Seen alone").check()
    page.get_by_label("Seen in private").check()
    page.get_by_label("What she disclosed").fill("Threatened by her ex-partner and his friends.")
    page.get_by_label("Who knows about the disclosure").fill("Nobody else")
    page.get_by_label("Consent to share").select_option("yes")
    page.get_by_label("Agencies she agrees information may go to").fill("Police, DART")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Disclosure saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Stage 2: act on the level of risk")).to_be_visible()
    page.goto(case_url)

    # Safe contact, shown first on the case page.
    page.get_by_role("link", name="Record safe-contact details").click()
    page.get_by_label("Can she be contacted safely?").select_option("yes")
    page.get_by_label("How to contact her").fill("Text only, work phone")
    page.get_by_label("What must never happen").fill("No voicemail, no letters")
    page.get_by_label("Code word").fill("Lighthouse")
    page.get_by_role("button", name="Save").click()
    banner = page.get_by_test_id("safe-contact-banner")
    expect(banner).to_contain_text("No voicemail, no letters")

    # The primary perpetrator with two aliases, and two associates.
    for role, name, aliases in [
        ("primary_perpetrator", "Dean", "D-Man\nDeano"),
        ("associate", "Kev", ""),
        ("associate", "Lee", ""),
    ]:
        page.get_by_role("link", name="Add a person").click()
        page.get_by_label("Role").select_option(role)
        page.get_by_label("Given name").fill(name)
        page.get_by_label("Aliases and nicknames").fill(aliases)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text(f"{name} saved.")).to_be_visible()
    perpetrator = page.get_by_test_id("person-primary_perpetrator")
    expect(perpetrator).to_contain_text("D-Man, Deano")
    expect(page.get_by_test_id("person-associate")).to_have_count(2)

    # Name a colleague, with a reason.
    page.get_by_role("link", name="Who can see this case").click()
    page.get_by_role("link", name="Give someone access").click()
    page.get_by_label("Person").select_option(label="Colin Colleague")
    page.get_by_label("Reason").fill("Covering while I am on leave")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("grants")).to_contain_text("Covering while I am on leave")

    colleague_page = sign_in(colleague)
    colleague_page.goto(case_url)
    expect(colleague_page.get_by_role("heading", name=case.reference)).to_be_visible()
    expect(colleague_page.get_by_test_id("safe-contact-banner")).to_contain_text("Lighthouse")

    outsider_page = sign_in(outsider)
    response = outsider_page.goto(case_url)
    assert response.status == 404
    expect(outsider_page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(outsider_page.get_by_text("Rosa")).to_have_count(0)

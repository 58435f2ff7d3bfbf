"""Risk in Chromium: DASH → High; multiple-perpetrator assessments; Stage 2; the safety
plan and its PDF."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from cases.models import Person
from tests.factories import add_person, make_case

pytestmark = pytest.mark.django_db(transaction=True)


def answer(page, yes_numbers):
    for question in page.locator("[data-testid^='question-']").all():
        number = int(question.get_attribute("data-testid").split("-")[1])
        value = "yes" if number in yes_numbers else "no"
        question.locator(f"input[type=radio][value='{value}']").check()


def test_dash_stage2_and_safety_plan(sign_in, lead, tmp_path):
    case = make_case(lead, survivor_name=("Mina", "Example-Demo"))
    add_person(case, Person.Role.PRIMARY_PERPETRATOR, "Dean", "Example-Demo", aliases=["D-Man"])
    add_person(case, Person.Role.ASSOCIATE, "Kev", aliases=["K-Dog"])
    page = sign_in(lead)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Risk and safety plan").click()

    # DASH with 14 Yes about the primary perpetrator.
    page.get_by_role("link", name="Start a DASH risk assessment").click()
    page.get_by_label("Who is this assessment about?").select_option(
        label="Dean Example-Demo (primary perpetrator)"
    )
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Has Dean Example-Demo ever used weapons")).to_be_visible()
    answer(page, set(range(1, 15)))
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Stage 2: act on the level of risk")).to_be_visible()

    # Stage 2: no immediate risk → DART and two-week MARAC tasks.
    page.get_by_label("No: at risk but not in immediate danger").check()
    page.get_by_role("button", name="Record and continue").click()
    expect(page.get_by_test_id("criteria")).to_contain_text("visible high risk")
    expect(page.locator(".lead .badge").first).to_have_text("High")

    # The multiple-perpetrator assessment for the perpetrator and one associate.
    for subject in ["Dean Example-Demo (primary perpetrator)", "Kev (associate)"]:
        page.get_by_role("link", name="Multiple-perpetrator assessment (per perpetrator)").click()
        page.get_by_label("Who is this assessment about?").select_option(label=subject)
        page.get_by_role("button", name="Start").click()
        answer(page, {1, 2})
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("submitted.")).to_be_visible()
    expect(page.get_by_test_id("assessments").locator("li")).to_have_count(3)

    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_text("Refer to DART with the DASH RIC")).to_be_visible()
    expect(
        page.get_by_text(re.compile("MARAC or multi-agency meeting, no more than two weeks"))
    ).to_be_visible()

    # The safety plan, pre-filled, made final, downloaded.
    page.goto(f"/cases/{case.pk}/risk/")
    page.get_by_role("button", name="Create the safety plan").click()
    expect(page.get_by_label("Perpetrator name")).to_have_value("Dean Example-Demo")
    expect(page.get_by_label("Nicknames")).to_have_value("D-Man")
    expect(page.get_by_label("DASH RIC risk rating")).to_have_value(
        re.compile(r"^High \(14 of 24 Yes")
    )
    page.get_by_label("Action").first.fill("Call the police if Kev comes to the house")
    page.get_by_label("Owner").first.fill("Survivor with IDVA")
    page.get_by_role("button", name="Save and make final").click()
    expect(page.get_by_role("heading", name=re.compile("version 1$"))).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    path = tmp_path / "plan.pdf"
    download_info.value.save_as(path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Dean Example-Demo" in text
    assert "OFFICIAL-SENSITIVE" in text
    assert "Generated for Lena Lead" in text

"""Doing the job through the pages: open a case, record, edit, and keep what was typed."""

from datetime import date, timedelta

from django.urls import reverse

from cases.models import Alias, Case, CaseTask, ChronologyEntry, Disclosure, Person, SafeContact
from tests.factories import add_person, make_case
from tests.helpers import signed_in


def test_new_case_first_shows_possible_matches_then_opens(client, lead):
    existing = make_case(lead, survivor_name=("Jasmine", "Okafor-Demo"), aliases=["Jaz"])
    signed_in(client, lead)
    url = reverse("cases:create")
    check = client.post(url, {"given_name": "Jasmin", "family_name": "Okafor-Demo", "check": ""})
    body = check.content.decode()
    assert 'data-testid="possible-matches"' in body and existing.reference in body
    assert Case.objects.count() == 1
    created = client.post(
        url,
        {"given_name": "Jasmin", "family_name": "Okafor-Demo", "aliases": "J\nJazzy", "create": ""},
    )
    case = Case.objects.exclude(pk=existing.pk).get()
    assert created.url == reverse("cases:detail", args=[case.pk])
    assert case.reference.startswith(f"H-{date.today().year}-")
    assert case.lead == lead and case.team == lead.team
    survivor = case.people.get(role="survivor")
    assert sorted(survivor.aliases.values_list("name", flat=True)) == ["J", "Jazzy"]


def test_matches_never_include_cases_the_user_cannot_see(client, lead, colleague):
    make_case(colleague, survivor_name=("Hidden", "Person-Demo"))
    signed_in(client, lead)
    body = client.post(
        reverse("cases:create"), {"given_name": "Hidden", "family_name": "Person-Demo", "check": ""}
    )
    assert 'data-testid="no-matches"' in body.content.decode()


def test_new_case_needs_a_name_and_keeps_what_was_typed(client, lead):
    signed_in(client, lead)
    response = client.post(reverse("cases:create"), {"approximate_age": "34", "create": ""})
    body = response.content.decode()
    assert "Give at least a first name or a family name." in body
    assert 'value="34"' in body
    assert not Case.objects.exists()


def test_references_are_sequential_and_unique(lead):
    refs = [make_case(lead).reference for _ in range(3)]
    numbers = [int(r.rsplit("-", 1)[1]) for r in refs]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_add_a_primary_perpetrator_with_aliases_and_only_one(client, lead):
    case = make_case(lead)
    signed_in(client, lead)
    url = reverse("cases:person_add", args=[case.pk])
    response = client.post(
        url, {"role": "primary_perpetrator", "given_name": "Dean", "aliases": "D-Man\nDeano"}
    )
    assert response.url == reverse("cases:detail", args=[case.pk])
    person = case.people.get(role="primary_perpetrator")
    assert set(person.aliases.values_list("name", flat=True)) == {"D-Man", "Deano"}
    second = client.post(url, {"role": "primary_perpetrator", "given_name": "Other"})
    assert "already has a primary perpetrator" in second.content.decode()
    assert 'value="Other"' in second.content.decode()


def test_survivor_cannot_be_added_twice_or_change_role(client, lead):
    case = make_case(lead)
    signed_in(client, lead)
    add = client.post(
        reverse("cases:person_add", args=[case.pk]), {"role": "survivor", "given_name": "X"}
    )
    assert "Select a valid choice" in add.content.decode()
    survivor = case.people.get(role="survivor")
    client.post(
        reverse("cases:person_edit", args=[case.pk, survivor.pk]),
        {"role": "associate", "given_name": "Sam", "version": survivor.version},
    )
    survivor.refresh_from_db()
    assert survivor.role == "survivor"


def test_editing_aliases_replaces_them(client, lead):
    case = make_case(lead)
    person = add_person(case, Person.Role.ASSOCIATE, "Ali", aliases=["One", "Two"])
    signed_in(client, lead)
    client.post(
        reverse("cases:person_edit", args=[case.pk, person.pk]),
        {
            "role": "associate",
            "given_name": "Ali",
            "aliases": "Two\nThree",
            "version": person.version,
        },
    )
    assert set(Alias.objects.filter(person=person).values_list("name", flat=True)) == {
        "Two",
        "Three",
    }


def test_disclosure_is_recorded_and_immediate_risk_flags_the_case(client, lead):
    case = make_case(lead)
    signed_in(client, lead)
    response = client.post(
        reverse("cases:disclosure_add", args=[case.pk]),
        {
            "disclosed_on": date.today().isoformat(),
            "seen_alone": "on",
            "seen_in_private": "on",
            "narrative": "Told me about the threats",
            "who_knows": "Her sister",
            "immediate_risk_to_life": "on",
            "consent_to_share": "yes",
            "share_with": "Police, DART",
        },
    )
    assert response.url == reverse("risk:stage2", args=[case.pk])  # Stage 2 comes next
    disclosure = Disclosure.objects.get(case=case)
    assert disclosure.taken_by == lead and disclosure.who_knows == "Her sister"
    case.refresh_from_db()
    assert case.immediate_risk
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Immediate risk to life recorded" in page


def test_disclosure_errors_are_shown_beside_the_fields(client, lead):
    case = make_case(lead)
    signed_in(client, lead)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("cases:disclosure_add", args=[case.pk]),
        {"disclosed_on": tomorrow, "narrative": "Kept text", "consent_to_share": "yes"},
    )
    body = response.content.decode()
    assert "cannot be in the future" in body
    assert "Say which agencies" in body
    assert "Kept text" in body


def test_safe_contact_banner_is_first_on_the_case_page(client, lead):
    case = make_case(lead)
    signed_in(client, lead)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Not recorded yet. Do not contact her until it is." in body
    client.post(
        reverse("cases:safe_contact", args=[case.pk]),
        {
            "can_contact": "yes",
            "how": "Text her work mobile",
            "safe_times": "Weekdays 10-12",
            "never": "No voicemail, no letters",
            "code_word": "Bluebell",
        },
    )
    assert SafeContact.objects.get(case=case).code_word == "Bluebell"
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    main = body.split('id="main"')[1]
    assert main.index("safe-contact-banner") < main.index("People")
    assert "No voicemail, no letters" in body


def test_chronology_is_added_listed_and_filtered(client, lead):
    case = make_case(lead)
    signed_in(client, lead)
    client.post(
        reverse("cases:chronology_add", args=[case.pk]),
        {"kind": "contact", "occurred_at": "2026-11-01T10:30", "text": "Phone call, safe"},
    )
    entry = ChronologyEntry.objects.get(case=case)
    assert entry.recorded_by == lead and entry.kind == "contact"
    notes = client.get(
        reverse("cases:chronology", args=[case.pk]), {"kind": "note"}
    ).content.decode()
    assert "Phone call, safe" not in notes
    contacts = client.get(
        reverse("cases:chronology", args=[case.pk]), {"kind": "contact"}
    ).content.decode()
    assert "Phone call, safe" in contacts


def test_warning_marker_is_added_shown_and_removed_after_confirmation(client, lead):
    case = make_case(lead)
    perpetrator = add_person(case, Person.Role.PRIMARY_PERPETRATOR, "Dean")
    signed_in(client, lead)
    client.post(
        reverse("cases:warning_add", args=[case.pk, perpetrator.pk]),
        {"kind": "dogs", "details": "Two"},
    )
    marker = perpetrator.warnings.get()
    assert (
        "Warning: Dangerous dogs"
        in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    confirm = client.get(reverse("cases:warning_remove", args=[case.pk, marker.pk]))
    assert "Remove marker" in confirm.content.decode()
    client.post(reverse("cases:warning_remove", args=[case.pk, marker.pk]))
    marker.refresh_from_db()
    assert marker.removed_at is not None


def test_overdue_tasks_show_on_the_dashboard(client, lead, colleague):
    case = make_case(lead)
    signed_in(client, lead)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    client.post(
        reverse("cases:task_add", args=[case.pk]),
        {"title": "Refer to DART", "due_on": yesterday, "assignee": lead.pk},
    )
    # Only people named on the case can be given its tasks.
    refused = client.post(
        reverse("cases:task_add", args=[case.pk]), {"title": "X", "assignee": colleague.pk}
    )
    assert "Select a valid choice" in refused.content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Refer to DART" in dashboard and "1 overdue" in dashboard
    task = CaseTask.objects.get(case=case)
    client.post(reverse("cases:task_done", args=[case.pk, task.pk]))
    assert "1 overdue" not in client.get(reverse("dashboard")).content.decode()


def test_closing_needs_a_reason_and_can_be_undone(client, lead):
    case = make_case(lead)
    signed_in(client, lead)
    url = reverse("cases:close", args=[case.pk])
    assert (
        "This field is required"
        in client.post(url, {"reason": "", "version": case.version}).content.decode()
    )
    client.post(url, {"reason": "Moved out of area, safe", "version": case.version})
    case.refresh_from_db()
    assert case.status == "closed" and case.closure_reason == "Moved out of area, safe"
    client.post(url, {"reason": "New incident", "version": case.version})
    case.refresh_from_db()
    assert case.status == "open"


def test_case_list_searches_names_and_aliases_by_post_and_filters(client, lead):
    first = make_case(lead, survivor_name=("Amara", "Demo-One"))
    add_person(first, Person.Role.PRIMARY_PERPETRATOR, "Kyle", aliases=["Smoke"])
    second = make_case(lead, survivor_name=("Bella", "Demo-Two"))
    second.at_risk_from_multiple_perpetrators = True
    second.risk_level = "high"
    second.save()
    signed_in(client, lead)
    url = reverse("cases:list")
    by_alias = client.post(url, {"q": "smoke", "status": ""}).content.decode()
    assert first.reference in by_alias and second.reference not in by_alias
    by_ref = client.post(url, {"q": second.reference, "status": ""}).content.decode()
    assert second.reference in by_ref and first.reference not in by_ref
    high = client.post(url, {"risk": "high", "amp": "yes", "status": "open"}).content.decode()
    assert second.reference in high and first.reference not in high
    fragment = client.post(url, {"q": "Amara", "status": ""}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and first.reference in fragment.content.decode()


def test_case_list_paginates(client, lead):
    for _ in range(27):
        make_case(lead)
    signed_in(client, lead)
    page_two = client.post(reverse("cases:list"), {"status": "open", "page": "2"}).content.decode()
    assert "Page 2 of 2" in page_two and "27 cases" in page_two


def test_notifications_are_listed_and_marked_read(client, case, lead, colleague):
    from cases import services

    services.case_grant_access(
        acting_user=lead, case=case, user=colleague, scope="full", can_change=False, reason="Cover"
    )
    signed_in(client, colleague)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert '1<span class="visually-hidden"> unread' in dashboard
    page = client.get(reverse("cases:notifications")).content.decode()
    assert case.reference in page
    client.post(reverse("cases:notifications_read"))
    assert "Nothing new." in client.get(reverse("cases:notifications")).content.decode()

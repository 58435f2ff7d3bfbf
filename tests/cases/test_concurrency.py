"""Two people editing one record: the second save is refused, nothing is overwritten.

Real transactions (transactional_db): each request commits on its own, as in production.
"""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.models import CaseReferenceCounter, Person
from tests.factories import grant, make_case
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def edit_data(case, **changes):
    data = {"risk_level": case.risk_level, "lead": case.lead_id, "version": case.version}
    data.update(changes)
    return data


def test_second_of_two_edits_gets_the_conflict_page_and_the_first_survives(lead, colleague):
    case = make_case(lead)
    grant(case, colleague, by=lead, can_change=True)
    first, second = signed_in(Client(), lead), signed_in(Client(), colleague)
    url = reverse("cases:edit", args=[case.pk])
    loaded = case.version  # both forms loaded now
    assert first.get(url).status_code == 200 and second.get(url).status_code == 200

    saved = first.post(
        url,
        edit_data(case, risk_level="high", at_risk_from_multiple_perpetrators="on", version=loaded),
    )
    assert saved.status_code == 302
    refused = second.post(url, edit_data(case, risk_level="standard", version=loaded))
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "Not saved: someone else changed this" in body and 'data-testid="conflict-table"' in body
    differing = re.findall(r'data-testid="differs">(.*?)</tr>', body, re.S)
    risk_row = next(row for row in differing if "Risk level" in row)
    assert re.search(r">Standard<.*>High<", risk_row, re.S)  # yours, then the saved one

    case.refresh_from_db()
    assert case.risk_level == "high" and case.at_risk_from_multiple_perpetrators
    assert case.version == loaded + 1


def test_simultaneous_person_edits_never_both_win(lead):
    case = make_case(lead)
    person = Person.objects.get(case=case, role="survivor")
    url = reverse("cases:person_edit", args=[case.pk, person.pk])
    results = []
    barrier = threading.Barrier(2)

    def save(name):
        client = signed_in(Client(), lead)
        barrier.wait()
        response = client.post(
            url, {"given_name": name, "family_name": "Same", "version": person.version}
        )
        results.append((name, response.status_code))
        connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in ("Alpha", "Bravo")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    codes = sorted(code for _, code in results)
    assert codes == [302, 409]
    winner = next(name for name, code in results if code == 302)
    person.refresh_from_db()
    assert person.given_name == winner and person.version == 2


def test_references_stay_unique_when_cases_open_at_once(lead):
    references = []

    def open_case():
        references.append(CaseReferenceCounter.next_reference(2031))
        connection.close()

    threads = [threading.Thread(target=open_case) for _ in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(set(references)) == 8
    assert sorted(references) == [f"H-2031-{n:05d}" for n in range(1, 9)]

"""Bounded queries: the case list and the case page cost the same with 5 or 50 rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import CaseTask, ChronologyEntry, Person, WarningMarker
from tests.factories import add_person, make_case
from tests.helpers import signed_in


def count_queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200
    return len(queries)


def test_case_list_queries_do_not_grow_with_cases(client, lead, django_assert_max_num_queries):
    for _ in range(5):
        make_case(lead)
    signed_in(client, lead)
    url = reverse("cases:list")
    few = count_queries(client, "post", url, {"status": "open"})
    for _ in range(45):
        make_case(lead)
    many = count_queries(client, "post", url, {"status": "open"})
    assert few == many
    with django_assert_max_num_queries(16):
        client.post(url, {"q": "Sam", "status": ""})


def fill(case, lead, people):
    for n in range(people):
        person = add_person(case, Person.Role.ASSOCIATE, f"Assoc{n}", aliases=[f"A{n}", f"B{n}"])
        WarningMarker.objects.create(person=person, kind="weapons", created_by=lead)
        ChronologyEntry.objects.create(case=case, recorded_by=lead, text=f"entry {n}")
        CaseTask.objects.create(case=case, title=f"task {n}", assignee=lead, created_by=lead)


def test_case_page_queries_do_not_grow_with_people(client, lead, django_assert_max_num_queries):
    small, large = make_case(lead), make_case(lead)
    fill(small, lead, 5)
    fill(large, lead, 50)
    signed_in(client, lead)
    few = count_queries(client, "get", reverse("cases:detail", args=[small.pk]))
    many = count_queries(client, "get", reverse("cases:detail", args=[large.pk]))
    assert few == many
    with django_assert_max_num_queries(25):
        client.get(reverse("cases:detail", args=[large.pk]))


def test_access_page_queries_do_not_grow_with_grants(client, lead):
    from tests.factories import UserFactory, grant

    case = make_case(lead)
    signed_in(client, lead)
    url = reverse("cases:access", args=[case.pk])
    few = count_queries(client, "get", url)
    for _ in range(20):
        grant(case, UserFactory(), by=lead, can_change=True)
    assert count_queries(client, "get", url) == few

"""Security baseline: headers, caching, CSP, public allow-list, error pages."""

import logging

import pytest
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse

from config import urls as root_urls
from tests.helpers import signed_in
from tests.test_permission_matrix import MATRIX, url_for

# The only views anyone may reach without signing in. Adding one is a security decision.
PUBLIC_VIEWS = {"accounts:login", "accounts:activate", "healthz"}


def test_anonymous_visitors_are_sent_to_login_from_every_url_but_the_public_ones(client, world):
    for name in MATRIX:
        response = client.get(url_for(name, world))
        if name in PUBLIC_VIEWS:
            assert response.status_code == 200, name
        else:
            assert response.status_code == 302, name
            assert response.url.startswith(reverse("accounts:login")), name


def test_public_allow_list_is_exactly_the_views_marked_public(world):
    from django.urls import resolve

    marked = set()
    for name in MATRIX:
        match = resolve(url_for(name, world))
        if not getattr(match.func, "login_required", True):
            marked.add(name)
    assert marked == PUBLIC_VIEWS


def test_security_headers_and_no_store_on_an_authenticated_page(client, lead):
    signed_in(client, lead)
    response = client.get(reverse("dashboard"), secure=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        for part in response["Content-Security-Policy"].split(";")
    }
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_pages_carry_no_inline_script_or_style(client, lead):
    signed_in(client, lead)
    body = client.get(reverse("dashboard")).content.decode()
    assert "<script>" not in body and "<style" not in body and " style=" not in body
    assert "<script src=" in body


def test_protective_marking_is_shown_and_configurable(client, lead, settings):
    signed_in(client, lead)
    assert "OFFICIAL-SENSITIVE" in client.get(reverse("dashboard")).content.decode()
    settings.PROTECTIVE_MARKING = "OFFICIAL"
    body = client.get(reverse("dashboard")).content.decode()
    assert "OFFICIAL-SENSITIVE" not in body and "OFFICIAL" in body


def test_top_bar_shows_name_agency_and_role(client, lead):
    signed_in(client, lead)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Lena Lead" in body and "Home Agency (fictional)" in body and "Caseworker / IDVA" in body
    assert 'href="#main"' in body  # skip link


def test_navigation_follows_the_role(client, lead, admin):
    signed_in(client, lead)
    assert reverse("staff:list") not in client.get(reverse("dashboard")).content.decode()
    signed_in(client, admin)
    assert reverse("staff:list") in client.get(reverse("dashboard")).content.decode()


def test_not_found_page_shows_an_incident_id_and_nothing_internal(client, lead):
    signed_in(client, lead)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'data-testid="incident"' in body
    assert "Traceback" not in body and "urlpatterns" not in body


def boom(request):
    raise RuntimeError("secret internal detail 9f8e7d")


urlpatterns = [path("boom/", login_not_required(boom)), *root_urls.urlpatterns]
handler500 = "config.errors.server_error"


@pytest.mark.urls("tests.test_security")
def test_server_error_page_shows_an_incident_id_and_logs_it(client, caplog, db):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="harbour.errors"):
        response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "secret internal detail" not in body and "RuntimeError" not in body
    incident = body.split('data-testid="incident">')[1].split("<")[0]
    assert len(incident) == 12
    assert any(incident in record.getMessage() for record in caplog.records)

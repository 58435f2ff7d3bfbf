import re

from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from tests.factories import TEST_PASSWORD, AgencyFactory, TeamFactory, UserFactory
from tests.helpers import signed_in


def new_staff_data(home, **overrides):
    data = {
        "full_name": "Nia Newstarter",
        "email": "Nia.Newstarter@test.harbour.example",
        "job_title": "IDVA",
        "agency": home.agency.pk,
        "team": home.pk,
        "roles": [Role.CASEWORKER, Role.DART_OFFICER],
    }
    data.update(overrides)
    return data


def test_admin_adds_a_member_of_staff_who_gets_an_activation_link(client, admin, home_team):
    signed_in(client, admin)
    response = client.post(reverse("staff:create"), new_staff_data(home_team))
    assert response.url == reverse("staff:list")
    user = User.objects.get(email="nia.newstarter@test.harbour.example")
    assert user.role_names == {Role.CASEWORKER, Role.DART_OFFICER}
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    link = re.search(r"https?://\S+/accounts/activate/\S+/", mail.outbox[0].body).group(0)
    # The administrator is never shown the link.
    assert link not in client.get(reverse("staff:list")).content.decode()

    client.logout()
    path = "/" + link.split("/", 3)[3]
    form = client.get(path, follow=True)
    assert "Set your password" in form.content.decode()
    new_password = "a-long-and-new-passphrase"
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.url == reverse("accounts:login")
    # The link works once.
    assert "does not work" in client.get(path, follow=True).content.decode()
    # Signing in then requires enrolling a second factor.
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": new_password}
    )
    assert client.get(response.url).url == reverse("accounts:setup")


def test_invalid_form_keeps_what_was_typed_and_says_what_is_wrong(client, admin, home_team):
    signed_in(client, admin)
    other_team = TeamFactory(name="Somewhere Else", agency=AgencyFactory(name="Another Agency X"))
    response = client.post(
        reverse("staff:create"),
        new_staff_data(home_team, email=admin.email, team=other_team.pk),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Another account already uses this email address." in body
    assert "is a team of Another Agency X" in body
    assert 'value="Nia Newstarter"' in body
    assert not User.objects.filter(full_name="Nia Newstarter").exists()


def test_admin_edits_roles_and_team(client, admin, lead, home_team):
    signed_in(client, admin)
    data = new_staff_data(
        home_team, full_name=lead.full_name, email=lead.email, roles=[Role.MANAGER]
    )
    assert client.post(reverse("staff:edit", args=[lead.pk]), data).url == reverse("staff:list")
    lead.refresh_from_db()
    assert lead.role_names == {Role.MANAGER}


def test_deactivation_asks_for_confirmation_and_never_deletes(client, admin, lead):
    signed_in(client, admin)
    page = client.get(reverse("staff:deactivate", args=[lead.pk]))
    assert page.status_code == 200 and "Deactivate" in page.content.decode()
    lead.refresh_from_db()
    assert lead.is_active
    client.post(reverse("staff:deactivate", args=[lead.pk]))
    lead.refresh_from_db()
    assert not lead.is_active and lead.deactivated_at is not None
    client.post(reverse("staff:reactivate", args=[lead.pk]))
    lead.refresh_from_db()
    assert lead.is_active and lead.deactivated_at is None


def test_admin_cannot_deactivate_themself(client, admin):
    signed_in(client, admin)
    response = client.post(reverse("staff:deactivate", args=[admin.pk]), follow=True)
    assert "cannot deactivate your own account" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_reset_2fa_removes_every_device_and_forces_enrolment(client, admin, lead):
    StaticDevice.objects.create(user=lead, name="Backup codes")
    signed_in(client, admin)
    client.post(reverse("staff:reset-2fa", args=[lead.pk]))
    assert not TOTPDevice.objects.filter(user=lead).exists()
    assert not StaticDevice.objects.filter(user=lead).exists()
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": lead.email, "password": TEST_PASSWORD}
    )
    assert client.get(response.url).url == reverse("accounts:setup")


def test_new_activation_link_is_emailed_not_shown(client, admin, lead):
    signed_in(client, admin)
    response = client.post(reverse("staff:send-activation", args=[lead.pk]), follow=True)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [lead.email]
    token_part = mail.outbox[0].body.split("/accounts/activate/")[1].split()[0]
    assert token_part not in response.content.decode()
    assert lead.check_password(TEST_PASSWORD)  # nothing changes until the link is used
    assert default_token_generator.check_token(lead, token_part.split("/")[1])


def test_list_searches_filters_and_paginates(
    client, admin, lead, outsider, django_assert_max_num_queries
):
    UserFactory.create_batch(30, team=lead.team, roles=[Role.AUDITOR])
    signed_in(client, admin)
    body = client.get(reverse("staff:list"), {"q": "lena"}).content.decode()
    assert "Lena Lead" in body and "Olive Outsider" not in body
    body = client.get(reverse("staff:list"), {"agency": outsider.agency.pk}).content.decode()
    assert "Olive Outsider" in body and "Lena Lead" not in body
    body = client.get(reverse("staff:list"), {"role": Role.SYSTEM_ADMIN}).content.decode()
    assert "Adam Admin" in body and "Lena Lead" not in body
    with django_assert_max_num_queries(15):
        page_two = client.get(reverse("staff:list"), {"page": 2})
    assert "Page 2 of 2" in page_two.content.decode()
    lead.is_active = False
    lead.save()
    assert "Lena Lead" not in client.get(reverse("staff:list")).content.decode()
    body = client.get(reverse("staff:list"), {"status": "inactive"}).content.decode()
    assert "Lena Lead" in body


def test_staff_list_queries_do_not_grow_with_the_number_of_staff(
    client, admin, django_assert_num_queries
):
    signed_in(client, admin)
    UserFactory.create_batch(3, roles=[Role.CASEWORKER])
    client.get(reverse("staff:list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("staff:list"))
    UserFactory.create_batch(20, roles=[Role.CASEWORKER])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("staff:list"))
    assert len(few) == len(many)

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from cases.fields import DecryptionError
from cases.models import ChronologyEntry, Person, SafeContact
from tests.factories import make_case

CANARY_ADDRESS = "CANARY-ADDR-41 Nowhere Lane"
CANARY_PHONE = "CANARY-PHONE-07700900123"


@pytest.fixture
def survivor(lead):
    case = make_case(lead, address=CANARY_ADDRESS, phone=CANARY_PHONE)
    return Person.objects.get(case=case, role=Person.Role.SURVIVOR)


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_raw_sql_returns_no_plaintext(survivor, lead):
    assert "CANARY" not in raw("cases_person", "address", survivor.pk)
    assert "CANARY" not in raw("cases_person", "phone", survivor.pk)
    entry = ChronologyEntry.objects.create(case=survivor.case, recorded_by=lead, text="CANARY-NOTE")
    assert "CANARY" not in raw("cases_chronologyentry", "text", entry.pk)
    contact = SafeContact.objects.create(case=survivor.case, code_word="CANARY-WORD")
    assert "CANARY" not in raw("cases_safecontact", "code_word", contact.pk)
    assert Person.objects.get(pk=survivor.pk).address == CANARY_ADDRESS


def test_each_encryption_differs_so_equal_values_do_not_show(survivor, lead):
    other = make_case(lead, address=CANARY_ADDRESS).people.get(role="survivor")
    assert raw("cases_person", "address", survivor.pk) != raw("cases_person", "address", other.pk)


def test_a_wrong_key_raises_instead_of_showing_ciphertext(survivor, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=survivor.pk)


def test_rotation_re_encrypts_under_the_new_key_and_stays_readable(survivor, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    before = raw("cases_person", "address", survivor.pk)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))
    after = raw("cases_person", "address", survivor.pk)
    assert after != before
    # The old key can now be dropped: everything opens with the new key alone.
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    person = Person.objects.get(pk=survivor.pk)
    assert person.address == CANARY_ADDRESS and person.phone == CANARY_PHONE
    assert Fernet(new_key.encode()).decrypt(after.encode()).decode() == CANARY_ADDRESS


def test_empty_values_stay_empty(lead):
    case = make_case(lead)
    person = Person.objects.get(case=case, role="survivor")
    assert person.address == "" and raw("cases_person", "address", person.pk) == ""

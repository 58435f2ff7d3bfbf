"""Append-only tables and the hash chain."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit import chain
from audit.models import AccessEvent, AuditSeal, ReviewFlag

TABLES = [
    "audit_accessevent",
    "audit_accesschange",
    "audit_decisionlogentry",
    "audit_sharingrecord",
    "auditlog_logentry",
    "audit_auditseal",
]


def run(sql):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.fixture
def filled(world, lead, client):
    from audit import services
    from tests.helpers import signed_in

    signed_in(client, lead)
    client.get(f"/cases/{world['case'].pk}/")
    services.sharing_record(
        acting_user=lead,
        case=world["case"],
        data={
            "categories": ["risk"],
            "agency": lead.agency,
            "recipient": "DS Example",
            "purpose": "MARAC",
            "article6": "6(1)(e)",
            "article9": "",
            "article10": "sch1-18",
            "consent": "given",
            "consent_note": "",
        },
    )
    chain.seal()
    return world


@pytest.mark.parametrize("table", TABLES)
def test_raw_update_and_delete_fail_on_every_audit_table(filled, table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] > 0, f"{table} has no rows to test"
    with pytest.raises(DatabaseError):
        run(f"UPDATE {table} SET id = id")
    with pytest.raises(DatabaseError):
        run(f"DELETE FROM {table}")


def test_a_signed_off_flag_cannot_change(filled, manager):
    flag = filled["flag"]
    flag.signed_off_by, flag.comment = manager, "Checked with the worker"
    from django.utils import timezone

    flag.signed_off_at = timezone.now()
    flag.save()
    with pytest.raises(DatabaseError):
        run(f"UPDATE audit_reviewflag SET comment = 'changed' WHERE id = {flag.pk}")
    with pytest.raises(DatabaseError):
        run(f"DELETE FROM audit_reviewflag WHERE id = {flag.pk}")
    assert ReviewFlag.objects.get(pk=flag.pk).comment == "Checked with the worker"


def test_verify_audit_passes_on_an_intact_trail(filled, capsys):
    call_command("verify_audit")
    assert "Audit trail intact" in capsys.readouterr().out
    assert AuditSeal.objects.count() > 10


def test_verify_audit_names_a_row_altered_with_the_trigger_disabled(filled):
    event = AccessEvent.objects.order_by("id")[1]
    run("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks, so the table can be altered
    run("ALTER TABLE audit_accessevent DISABLE TRIGGER USER")
    run(f"UPDATE audit_accessevent SET action = 'nothing to see' WHERE id = {event.pk}")
    run("ALTER TABLE audit_accessevent ENABLE TRIGGER USER")
    with pytest.raises(CommandError, match=f"audit_accessevent row {event.pk} .*altered"):
        call_command("verify_audit", "--no-seal")


def test_verify_audit_names_a_deleted_row(filled, lead):
    event = AccessEvent.objects.create(
        user=lead, object_kind="case", action="view", outcome="allowed"
    )
    chain.seal()
    run("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks, so the table can be altered
    run("ALTER TABLE audit_accessevent DISABLE TRIGGER USER")
    run(f"DELETE FROM audit_accessevent WHERE id = {event.pk}")
    run("ALTER TABLE audit_accessevent ENABLE TRIGGER USER")
    result = chain.verify()
    assert not result.ok
    assert f"audit_accessevent row {event.pk}" in result.problem and "deleted" in result.problem


def test_new_rows_are_sealed_incrementally(filled, lead):
    before = AuditSeal.objects.count()
    AccessEvent.objects.create(user=lead, object_kind="case", action="view", outcome="allowed")
    assert chain.seal() == 1
    assert AuditSeal.objects.count() == before + 1
    assert chain.verify().ok

"""The hash chain over the audit tables: seal new rows, verify everything sealed.

Sealing is done in batches by a background job (and by verify_audit), not per request:
a per-insert chain would need a lock held to the end of every request that views a case,
serialising them all. Until a row is sealed it is still append-only in the database.
"""

import hashlib
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db import connection, transaction

from audit.models import AccessChange, AccessEvent, AuditSeal, DecisionLogEntry, SharingRecord

SEALED_MODELS = [AccessEvent, AccessChange, DecisionLogEntry, SharingRecord, LogEntry]
GENESIS = "0" * 64
BATCH = 5000
LOCK_KEY = 7_406_201  # pg_advisory_xact_lock key: one sealer at a time


def _tables() -> list[str]:
    return [m._meta.db_table for m in SEALED_MODELS]


def _row_hashes(cursor, table: str, where: str, params) -> list[tuple[int, str]]:
    quoted = connection.ops.quote_name(table)
    cursor.execute(
        f"SELECT t.id, encode(sha256(convert_to(to_jsonb(t)::text, 'UTF8')), 'hex') "  # noqa: S608
        f"FROM {quoted} t WHERE {where} ORDER BY t.id LIMIT {BATCH}",
        params,
    )
    return cursor.fetchall()


def link(previous: str, row_hash: str) -> str:
    return hashlib.sha256(f"{previous}:{row_hash}".encode()).hexdigest()


def seal() -> int:
    """Append a seal for every audit row not sealed yet. Returns how many."""
    total = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        head = (
            AuditSeal.objects.order_by("-id").values_list("chain_hash", flat=True).first()
            or GENESIS
        )
        for table in _tables():
            last = (
                AuditSeal.objects.filter(table=table)
                .order_by("-row_id")
                .values_list("row_id", flat=True)
                .first()
                or 0
            )
            while True:
                rows = _row_hashes(cursor, table, "t.id > %s", [last])
                if not rows:
                    break
                seals = []
                for row_id, row_hash in rows:
                    head = link(head, row_hash)
                    seals.append(
                        AuditSeal(table=table, row_id=row_id, row_hash=row_hash, chain_hash=head)
                    )
                AuditSeal.objects.bulk_create(seals)
                total += len(seals)
                last = rows[-1][0]
    return total


@dataclass
class Verification:
    ok: bool
    checked: int
    problem: str = ""


def verify() -> Verification:
    """Walk every seal in order: the row must still exist with the same content, and the
    chain must link. Stops at, and names, the first broken row."""
    head = GENESIS
    checked = 0
    last_seal = 0
    with connection.cursor() as cursor:
        while True:
            seals = list(AuditSeal.objects.filter(id__gt=last_seal).order_by("id")[:BATCH])
            if not seals:
                return Verification(True, checked)
            current = {}
            for table in {s.table for s in seals}:
                ids = [s.row_id for s in seals if s.table == table]
                for start in range(0, len(ids), BATCH):
                    chunk = ids[start : start + BATCH]
                    current.update(
                        {
                            (table, rid): h
                            for rid, h in _row_hashes(cursor, table, "t.id = ANY(%s)", [chunk])
                        }
                    )
            for item in seals:
                found = current.get((item.table, item.row_id))
                where = f"{item.table} row {item.row_id} (seal {item.id})"
                if found is None:
                    return Verification(False, checked, f"{where}: the row has been deleted")
                if found != item.row_hash:
                    return Verification(False, checked, f"{where}: the row has been altered")
                head = link(head, item.row_hash)
                if head != item.chain_hash:
                    return Verification(
                        False, checked, f"{where}: the chain is broken (seal altered)"
                    )
                checked += 1
            last_seal = seals[-1].id

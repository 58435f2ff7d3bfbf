"""Background jobs (procrastinate, on PostgreSQL). The worker runs them:
`manage.py procrastinate worker` (started by `make run` and docker-compose)."""

import logging

from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from accounts.models import Role, User

logger = logging.getLogger("harbour.jobs")


@app.periodic(cron="*/5 * * * *")
@app.task(queue="audit", queueing_lock="seal_and_flag")
def seal_and_flag(timestamp: int | None = None) -> dict:
    """Every five minutes: seal new audit rows into the hash chain, flag anomalies."""
    from audit import chain, review

    return {"sealed": chain.seal(), "flags": review.flag_anomalies()}


@app.periodic(cron="30 2 * * *")
@app.task(queue="audit", queueing_lock="verify_audit_chain")
def verify_audit_chain(timestamp: int | None = None) -> bool:
    """Nightly: seal, then walk the whole chain. A break notifies every active auditor and
    manager in the app (the message names the row, never any content)."""
    from audit import chain
    from cases.models import Notification

    chain.seal()
    result = chain.verify()
    if not result.ok:
        logger.error("audit chain verification failed: %s", result.problem)
        people = User.objects.filter(
            is_active=True, groups__name__in=[Role.AUDITOR, Role.MANAGER]
        ).distinct()
        Notification.objects.bulk_create(
            [
                Notification(user=u, message=f"Audit trail check FAILED: {result.problem}")
                for u in people
            ]
        )
    return result.ok


@app.periodic(cron="*/10 * * * *")
@app.task(queue="default", queueing_lock="expire_access")
def expire_access(timestamp: int | None = None) -> int:
    """Remove grants whose end date has passed and close break-glass sessions that ran
    out, recording each expiry in the case's access history. (Expired access already
    stops working at once: cases.access checks the dates; this tidies and records.)"""
    from audit.models import AccessChange
    from cases.models import CaseUserObjectPermission

    now = timezone.now()
    expired = CaseUserObjectPermission.objects.filter(expires_at__lte=now).select_related(
        "granted_by"
    )
    done = 0
    with transaction.atomic():
        for user_id, case_id in set(expired.values_list("user_id", "content_object_id")):
            rows = expired.filter(user_id=user_id, content_object_id=case_id)
            granted_by = rows.first().granted_by_id or user_id
            rows.delete()
            AccessChange.objects.create(
                case_id=case_id,
                subject_id=user_id,
                action=AccessChange.Action.EXPIRE,
                reason="The grant reached its end date.",
                by_id=granted_by,
            )
            done += 1
    return done


@app.periodic(cron="0 7 * * *")
@app.task(queue="default", queueing_lock="overdue_reminders")
def overdue_reminders(timestamp: int | None = None) -> int:
    """Each morning: tell every assignee how many of their tasks are overdue."""
    from django.db.models import Count

    from cases.models import CaseTask, Notification

    counts = (
        CaseTask.objects.overdue()
        .filter(assignee__isnull=False, assignee__is_active=True)
        .values("assignee")
        .annotate(n=Count("pk"))
    )
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=row["assignee"],
                message=f"You have {row['n']} overdue task{'s' if row['n'] != 1 else ''}.",
            )
            for row in counts
        ]
    )
    return len(counts)

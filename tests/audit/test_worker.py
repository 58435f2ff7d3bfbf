"""The procrastinate worker really runs Harbour's jobs from the PostgreSQL queue."""

from datetime import timedelta

import pytest
from django.utils import timezone
from procrastinate.contrib.django import app

from audit import tasks
from audit.models import AuditSeal
from cases.models import CaseTask, Notification
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_runs_deferred_jobs(lead):
    case = make_case(lead)
    CaseTask.objects.create(
        case=case,
        title="Late",
        due_on=timezone.localdate() - timedelta(days=1),
        assignee=lead,
        created_by=lead,
    )
    tasks.overdue_reminders.defer(timestamp=0)
    tasks.seal_and_flag.defer(timestamp=0)
    # As `manage.py procrastinate worker` does: the worker's own psycopg connector.
    with app.replace_connector(app.connector.get_worker_connector()) as worker:
        worker.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
    assert Notification.objects.filter(user=lead, message="You have 1 overdue task.").exists()
    assert AuditSeal.objects.exists()

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from config.navigation import sections_for


@require_GET
def dashboard(request):
    from cases.models import Case, CaseTask

    my_tasks = (
        CaseTask.objects.for_user(request.user)
        .open()
        .filter(assignee=request.user)
        .select_related("case")
        .order_by("due_on")[:20]
    )
    my_cases = Case.objects.visible_to(request.user).open().filter(lead=request.user)
    return render(
        request,
        "dashboard.html",
        {
            "sections": sections_for(request.user),
            "my_tasks": list(my_tasks),
            "overdue_count": CaseTask.objects.for_user(request.user)
            .overdue()
            .filter(assignee=request.user)
            .count(),
            "my_cases": list(my_cases.order_by("-opened_at")[:10]),
        },
    )


@login_not_required
@require_GET
def healthz(request):
    """For the load balancer: 200 when the database answers. Says nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from config.navigation import sections_for


@require_GET
def dashboard(request):
    return render(request, "dashboard.html", {"sections": sections_for(request.user)})


@login_not_required
@require_GET
def healthz(request):
    """For the load balancer: 200 when the database answers. Says nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")

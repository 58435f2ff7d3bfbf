from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.export, name="export"),
    path("review/", views.queue, name="queue"),
    path("review/<int:flag_pk>/", views.flag, name="flag"),
    path("retention/", views.retention, name="retention"),
]

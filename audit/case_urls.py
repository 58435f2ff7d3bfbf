from django.urls import path

from audit import views

app_name = "records"

# Mounted under cases/<int:pk>/ (config/urls.py).
urlpatterns = [
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/new/", views.decision_add, name="decision_add"),
    path("decisions/<int:corrects_pk>/correct/", views.decision_add, name="decision_correct"),
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/new/", views.sharing_add, name="sharing_add"),
]

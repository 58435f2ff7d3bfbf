from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("staff/", include("accounts.staff_urls")),
    path("cases/", include("cases.urls")),
    path("cases/<int:pk>/", include("risk.urls")),
    path("cases/<int:pk>/", include("audit.case_urls")),
    path("audit/", include("audit.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

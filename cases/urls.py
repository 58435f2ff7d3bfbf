from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("allocation/", views.allocation, name="allocation"),
    path("emergency-access/", views.break_glass, name="break_glass"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/people/new/", views.person_edit, name="person_add"),
    path("<int:pk>/people/<int:person_pk>/", views.person_edit, name="person_edit"),
    path("<int:pk>/people/<int:person_pk>/warnings/new/", views.warning_add, name="warning_add"),
    path("<int:pk>/warnings/<int:warning_pk>/remove/", views.warning_remove, name="warning_remove"),
    path("<int:pk>/disclosures/new/", views.disclosure_edit, name="disclosure_add"),
    path(
        "<int:pk>/disclosures/<int:disclosure_pk>/", views.disclosure_edit, name="disclosure_edit"
    ),
    path("<int:pk>/safe-contact/", views.safe_contact_edit, name="safe_contact"),
    path("<int:pk>/chronology/", views.chronology, name="chronology"),
    path("<int:pk>/chronology/new/", views.chronology_add, name="chronology_add"),
    path("<int:pk>/tasks/new/", views.task_edit, name="task_add"),
    path("<int:pk>/tasks/<int:task_pk>/", views.task_edit, name="task_edit"),
    path("<int:pk>/tasks/<int:task_pk>/done/", views.task_done, name="task_done"),
    path("<int:pk>/access/", views.access_page, name="access"),
    path("<int:pk>/access/grant/", views.access_grant, name="access_grant"),
    path("<int:pk>/access/exclude/", views.access_exclude, name="access_exclude"),
    path("<int:pk>/access/<int:user_pk>/revoke/", views.access_revoke, name="access_revoke"),
    path(
        "<int:pk>/access/exclusions/<int:user_pk>/lift/",
        views.access_lift_exclusion,
        name="access_lift_exclusion",
    ),
]

from django.urls import path

from accounts import views

app_name = "staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_create, name="create"),
    path("<int:pk>/", views.staff_edit, name="edit"),
]
urlpatterns += [
    path(f"<int:pk>/{action}/", views.staff_action, {"action": action}, name=action)
    for action in views.STAFF_ACTIONS
]

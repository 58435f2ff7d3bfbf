from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("2fa/", views.verify, name="verify"),
    path("2fa/setup/", views.setup, name="setup"),
    path("activate/<uidb64>/<token>/", views.ActivateView.as_view(), name="activate"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
]

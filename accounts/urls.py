"""Mounted at accounts/. Django's password views keep their own names (its views and mails
reverse them); the rest are in the `accounts` namespace. The single sign-on URLs exist only
where it is configured."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import forms, views

app_patterns = [
    path("", views.account, name="account"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("signup/", views.signup, name="signup"),
    path("signup/check-email/", views.signup_pending, name="signup_pending"),
    path("signup/send-again/", views.signup_resend, name="signup_resend"),
    path("signup/address/", views.signup_email, name="signup_email"),
    path("signup/verify/<str:token>/", views.signup_verify, name="signup_verify"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("organisations/<int:pk>/members/", views.members, name="members"),
    path("organisations/<int:pk>/invite/", views.invite, name="invite"),
    path("invitations/<int:pk>/send-again/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("members/<int:pk>/role/", views.member_role, name="member_role"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
]

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            form_class=forms.PasswordChangeForm,
            template_name="accounts/password_change_form.html",
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("password/reset/", views.password_reset, name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=forms.SetPasswordForm,
            template_name="accounts/password_reset_confirm.html",
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("", include((app_patterns, "accounts"))),
]

if settings.OIDC_ENABLED:
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView

    from accounts.oidc import CallbackView

    urlpatterns += [
        path(
            "sso/start/", OIDCAuthenticationRequestView.as_view(), name="oidc_authentication_init"
        ),
        path("sso/callback/", CallbackView.as_view(), name="oidc_authentication_callback"),
    ]

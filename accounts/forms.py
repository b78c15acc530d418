from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import throttle
from accounts.services import split_name, username_for
from workshops.models import Membership

# Long enough for real addresses; new accounts are named by their address (User.username holds
# 150 characters).
EMAIL_MAX_LENGTH = 150

PASSWORD_HELP = _(
    "At least 8 characters. Not a common password, not only digits, and not too like your name "
    "or address."
)

ROLE_DESCRIPTIONS = {
    Membership.Role.FACILITATOR: _("Plans and runs programmes and days."),
    Membership.Role.HR: _("Reads the programmes, the leadership platform and the reports."),
    Membership.Role.ADMIN: _("Everything a facilitator does, and manages the members."),
}


def email_in_use(email: str) -> bool:
    return (
        get_user_model()
        .objects.filter(Q(email__iexact=email.strip()) | Q(username=username_for(email)))
        .exists()
    )


def _password_fields():
    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password again")
    )
    password1.help_text = PASSWORD_HELP
    password2.help_text = ""
    return password1, password2


class ThrottledLogin:
    """The throttle in front of an AuthenticationForm: a wait is told before the password is
    looked at, a wrong password counts, a right one ends the account's count."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not (username and password):
            return super().clean()
        wait = throttle.seconds_to_wait(self.request, username)
        if wait:
            raise ValidationError(throttle.wait_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                throttle.failed(self.request, username)
            raise
        throttle.forget_account(username)
        return cleaned


class LoginForm(ThrottledLogin, auth_forms.AuthenticationForm):
    """Django's login form, with a name or an address, throttled."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "The e-mail address or user name and the password do not match. Check them and "
            "try again."
        ),
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("E-mail or user name")
        self.fields["username"].widget.attrs["autocomplete"] = "username"


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    """The operators' login to the Django admin, throttled like everyone's."""


class SignupForm(auth_forms.SetPasswordMixin, forms.Form):
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("The municipality, company or consultancy, e.g. Seljord kommune."),
    )
    name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Your work e-mail"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("We send a link here. The organisation is created when you open it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1, password2 = _password_fields()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email_in_use(email):
            raise ValidationError(
                _(
                    "There is an account with this address already. Log in, or reset the "
                    "password if you have forgotten it."
                ),
                code="taken",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        first, last = split_name(cleaned.get("name", ""))
        user = get_user_model()(
            username=cleaned.get("email", ""),
            email=cleaned.get("email", ""),
            first_name=first,
            last_name=last,
        )
        self.validate_password_for_user(user)
        return cleaned


class SignupEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("The right e-mail address"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if self.user is not None and email.lower() == self.user.email.lower():
            raise ValidationError(_("That is the address we sent the link to."), code="same")
        if email_in_use(email):
            raise ValidationError(_("There is an account with this address already."), code="taken")
        return email


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.FACILITATOR,
        widget=forms.RadioSelect,
    )

    def role_options(self) -> list[tuple[forms.BoundField, str]]:
        """Each radio button with what the role may do, for the template."""
        return [(radio, ROLE_DESCRIPTIONS[radio.data["value"]]) for radio in self["role"]]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class AcceptInvitationForm(auth_forms.SetPasswordMixin, forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1, password2 = _password_fields()

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        first, last = split_name(cleaned.get("name", ""))
        user = get_user_model()(
            username=self.email, email=self.email, first_name=first, last_name=last
        )
        self.validate_password_for_user(user)
        return cleaned


class SignOutEverywhereForm(forms.Form):
    """Asks for the password, so a session left open somewhere can't throw its owner out."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]  # signs in with single sign-on only

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("That is not your password."), code="wrong")
        return password


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, *args, **kwargs) -> None:
        # A few mails an hour per address: enough for a lost mail, too few to flood an inbox.
        # The page answers the same either way, so it tells nobody which addresses have accounts.
        if throttle.may_mail("password-reset", self.cleaned_data["email"]):
            super().save(*args, **kwargs)


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = PASSWORD_HELP

    def save(self, commit: bool = True):
        user = super().save(commit)
        # Whoever was locked out by wrong passwords may sign in with the new one at once.
        throttle.forget_account(user.get_username())
        return user


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = PASSWORD_HELP

"""Signing up, signing in, invitations, the members page and the user's own account page.

Django's own views do the password work (reset by mail, change); these views are the rest.
Every POST ends in a redirect, so the pages work without JavaScript.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import links, services, throttle
from accounts.access import administered, get_admin_membership, get_invitation_for
from accounts.forms import (
    AcceptInvitationForm,
    InvitationForm,
    LoginForm,
    PasswordResetForm,
    RoleForm,
    SignOutEverywhereForm,
    SignupEmailForm,
    SignupForm,
    email_in_use,
)
from accounts.models import Invitation, Signup, role_in_a_sentence
from workshops.http import AuthenticatedHttpRequest, HttpRequest
from workshops.models import Membership

# Accounts made or signed in here by name and password; login() must be told which backend.
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"
# New organisations from one address in an hour: a team signing up together is fine, a script
# sending verification mails to strangers is not.
SIGNUPS_PER_ADDRESS_PER_HOUR = 5


def _sso() -> dict:
    return {"sso_enabled": settings.OIDC_ENABLED, "sso_name": settings.OIDC_PROVIDER_NAME}


def _problem(request: HttpRequest, title: str, text: str, *, status: int) -> HttpResponse:
    return TemplateResponse(
        request, "accounts/link_problem.html", {"title": title, "text": text}, status=status
    )


# Signing in


def login(request: HttpRequest) -> HttpResponse:
    """Django's LoginView with the throttled form; a sign-up still waiting goes to its page."""
    view = auth_views.LoginView.as_view(
        authentication_form=LoginForm,
        extra_context={**_sso(), "signup_enabled": settings.SIGNUP_ENABLED},
    )
    response = view(request)
    if (
        request.method == "POST"
        and response.status_code == 302
        and services.pending_signup(request.user) is not None
    ):
        return redirect("accounts:signup_pending")
    return response


def password_reset(request: HttpRequest) -> HttpResponse:
    view = auth_views.PasswordResetView.as_view(
        form_class=PasswordResetForm,
        template_name="accounts/password_reset_form.html",
        email_template_name="accounts/mail/password_reset.txt",
        subject_template_name="accounts/mail/password_reset_subject.txt",
        # Links in mails start from SITE_URL, never from the request's Host header.
        extra_email_context={"site_url": settings.SITE_URL},
    )
    return view(request)


# Signing up


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password1", "password2")
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.SIGNUP_ENABLED:
        raise Http404
    if request.user.is_authenticated:
        if services.pending_signup(request.user) is not None:
            return redirect("accounts:signup_pending")
        messages.info(
            request, _("You are logged in already. Log out to sign up with another address.")
        )
        return redirect("home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        address = request.META.get("REMOTE_ADDR", "unknown")
        if not throttle.may_mail("signup", address, per_hour=SIGNUPS_PER_ADDRESS_PER_HOUR):
            form.add_error(
                None,
                _(
                    "Many organisations were signed up from your network in the last hour. "
                    "Try again later."
                ),
            )
        else:
            data = form.cleaned_data
            try:
                signup = services.sign_up(
                    organisation_name=data["organisation"],
                    name=data["name"],
                    email=data["email"],
                    password=data["password1"],
                    language=translation.get_language(),
                )
            except services.EmailTaken as refusal:
                form.add_error("email", str(refusal))
            else:
                auth_login(request, signup.user, backend=PASSWORD_BACKEND)
                return redirect("accounts:signup_pending")
    return TemplateResponse(
        request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200
    )


def _pending_page(request: AuthenticatedHttpRequest, signup: Signup, form=None, status=200):
    return TemplateResponse(
        request,
        "accounts/signup_pending.html",
        {"signup": signup, "email_form": form or SignupEmailForm(user=request.user)},
        status=status,
    )


@require_GET
@login_required
def signup_pending(request: AuthenticatedHttpRequest) -> HttpResponse:
    signup = Signup.objects.filter(user=request.user).select_related("organisation").first()
    if signup is None:
        return redirect("home")
    if signup.is_verified:
        # Opened in another browser (the phone, most often) while this page waited.
        if signup.organisation_id:
            return redirect("accounts:members", signup.organisation_id)
        return redirect("home")
    return _pending_page(request, signup)


@require_POST
@login_required
def signup_resend(request: AuthenticatedHttpRequest) -> HttpResponse:
    signup = services.pending_signup(request.user)
    if signup is None:
        return redirect("accounts:signup_pending")
    if throttle.may_mail("verify", request.user.email):
        services.send_verification_soon(signup, translation.get_language())
        messages.success(
            request, _("We sent the link again to %(email)s.") % {"email": request.user.email}
        )
    else:
        messages.error(
            request,
            _(
                "We have sent several links in the last hour. Look in the spam folder too, or "
                "try again later."
            ),
        )
    return redirect("accounts:signup_pending")


@require_POST
@login_required
def signup_email(request: AuthenticatedHttpRequest) -> HttpResponse:
    signup = services.pending_signup(request.user)
    if signup is None:
        return redirect("accounts:signup_pending")
    form = SignupEmailForm(request.POST, user=request.user)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            services.change_signup_email(signup, email, translation.get_language())
        except services.EmailTaken as refusal:
            form.add_error("email", str(refusal))
        else:
            messages.success(request, _("We sent a new link to %(email)s.") % {"email": email})
            return redirect("accounts:signup_pending")
    return _pending_page(request, signup, form, status=400)


# The link is opened by GET and does its work then: it only confirms that the mail arrived, which
# a mail scanner opening it first proves as well, and the person lands on a working page.
@require_GET
def signup_verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signup = links.signup_of_token(token)
    except links.LinkExpired:
        return _problem(
            request,
            _("The link has expired"),
            _("Log in with your e-mail address and password, and send yourself a new link."),
            status=410,
        )
    if signup is None:
        return _problem(
            request,
            _("The link does not work"),
            _(
                "Check that the whole link was copied. If you corrected your address after "
                "signing up, use the link in the newest e-mail."
            ),
            status=404,
        )
    organisation = services.verify_signup(signup.pk)
    if organisation is None:
        return _problem(
            request,
            _("The link has been used"),
            _("This organisation was created earlier. Log in to continue."),
            status=410,
        )
    members_url = reverse("accounts:members", args=[organisation.pk])
    if request.user.is_authenticated and request.user.pk == signup.user_id:
        messages.success(
            request,
            _(
                "Your address is confirmed and %(organisation)s is ready. Invite your "
                "colleagues here, or go to Programmes and create the first one."
            )
            % {"organisation": organisation.name},
        )
        return redirect(members_url)
    messages.success(
        request,
        _("Your address is confirmed and %(organisation)s is ready. Log in to start.")
        % {"organisation": organisation.name},
    )
    return redirect(f"{reverse('login')}?next={members_url}")


# Invitations


def _invitation_problem(request: HttpRequest, invitation: Invitation | None) -> HttpResponse | None:
    if invitation is None:
        return _problem(
            request,
            _("The invitation does not work"),
            _(
                "The link is incomplete, or the invitation has been withdrawn. Ask the person "
                "who invited you to send a new one."
            ),
            status=404,
        )
    if invitation.accepted_at is not None:
        return _problem(
            request,
            _("The invitation has been used"),
            _("Each invitation works once, and this one has been accepted. Log in to continue."),
            status=410,
        )
    if invitation.is_expired():
        inviter = invitation.invited_by
        return _problem(
            request,
            _("The invitation has expired"),
            _("It was valid until %(date)s. Ask %(inviter)s to send a new one.")
            % {
                "date": date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"),
                "inviter": (inviter.get_full_name() or inviter.email)
                if inviter
                else _("the administrator"),
            },
            status=410,
        )
    return None


def _welcome(request: HttpRequest, membership: Membership) -> HttpResponse:
    messages.success(
        request,
        _("Welcome to %(organisation)s. You are %(role)s.")
        % {
            "organisation": membership.organisation.name,
            "role": role_in_a_sentence(membership.role),
        },
    )
    return redirect("workshops:programme_list")


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password1", "password2")
@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = links.invitation_of_token(token)
    if problem := _invitation_problem(request, invitation):
        return problem
    user = request.user
    form = None
    mine = user.is_authenticated and user.email.strip().lower() == invitation.email.lower()
    has_account = not user.is_authenticated and email_in_use(invitation.email)
    if not user.is_authenticated and not has_account:
        form = AcceptInvitationForm(
            request.POST if request.method == "POST" else None, email=invitation.email
        )
    if request.method == "POST":
        try:
            if mine:
                return _welcome(request, services.accept(invitation.pk, user))
            if form is not None and form.is_valid():
                new_user = services.accept_with_new_account(
                    invitation.pk,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password1"],
                )
                auth_login(request, new_user, backend=PASSWORD_BACKEND)
                membership = new_user.memberships.select_related("organisation").get(
                    organisation=invitation.organisation
                )
                return _welcome(request, membership)
        except services.InvitationUnusable:  # spent, expired or withdrawn since the page came
            fresh = links.invitation_of_token(token)
            return _invitation_problem(request, fresh) or redirect(request.path)
        except services.EmailTaken as refusal:
            form.add_error(None, str(refusal))
    return TemplateResponse(
        request,
        "accounts/invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "mine": mine,
            "has_account": has_account,
            "login_url": f"{reverse('login')}?{urlencode({'next': request.path})}",
            **_sso(),
        },
        status=400 if form is not None and form.errors else 200,
    )


# The members page


def _members_page(
    request: AuthenticatedHttpRequest, own: Membership, form: InvitationForm, status: int = 200
) -> HttpResponse:
    organisation = own.organisation
    memberships = list(
        organisation.memberships.select_related("user").order_by(
            "user__first_name", "user__last_name", "user__email"
        )
    )
    admins = sum(1 for m in memberships if m.role == Membership.Role.ADMIN)
    return TemplateResponse(
        request,
        "accounts/members.html",
        {
            "organisation": organisation,
            "own": own,
            "memberships": memberships,
            "admins": admins,
            "invitations": organisation.invitations.filter(accepted_at__isnull=True).select_related(
                "invited_by"
            ),
            "events": organisation.member_events.select_related("actor")[:20],
            "form": form,
            "roles": Membership.Role.choices,
            "administered": administered(request),
            "now": timezone.now(),
            "invitation_days": settings.INVITATION_DAYS,
        },
        status=status,
    )


@require_GET
@login_required
def members(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _members_page(request, get_admin_membership(request, pk), InvitationForm())


@require_POST
@login_required
def invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    own = get_admin_membership(request, pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            services.invite(
                own.organisation_id,
                email=email,
                role=form.cleaned_data["role"],
                by=request.user,
                language=translation.get_language(),
            )
        except services.Refused as refusal:
            form.add_error("email", str(refusal))
        else:
            messages.success(
                request,
                _("The invitation is on its way to %(email)s. It works for %(days)s days.")
                % {"email": email, "days": settings.INVITATION_DAYS},
            )
            return redirect("accounts:members", own.organisation_id)
    return _members_page(request, own, form, status=400)


@require_POST
@login_required
def invitation_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation, own = get_invitation_for(request, pk)
    try:
        services.invite(
            own.organisation_id,
            email=invitation.email,
            role=invitation.role,
            by=request.user,
            language=translation.get_language(),
        )
    except services.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, _("The invitation was sent again to %(email)s.") % {"email": invitation.email}
        )
    return redirect("accounts:members", own.organisation_id)


@require_POST
@login_required
def invitation_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation, own = get_invitation_for(request, pk)
    try:
        services.withdraw(invitation.pk, by=request.user)
    except services.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is withdrawn; its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("accounts:members", own.organisation_id)


def _member_for(request: AuthenticatedHttpRequest, pk: int) -> Membership:
    """A membership the user may change: any in an organisation they administer, or their own."""
    member = Membership.objects.select_related("user", "organisation").filter(pk=pk).first()
    if member is None:
        raise Http404
    if member.user_id != request.user.pk:
        get_admin_membership(request, member.organisation_id)
    return member


def _name(membership: Membership) -> str:
    return membership.user.get_full_name() or membership.user.email or membership.user.username


@require_POST
@login_required
def member_role(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = _member_for(request, pk)
    get_admin_membership(request, member.organisation_id)  # changing one's own role too
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return redirect("accounts:members", member.organisation_id)
    role = form.cleaned_data["role"]
    try:
        services.change_role(member.pk, role, by=request.user)
    except services.Refused as refusal:
        messages.error(request, str(refusal))
        return redirect("accounts:members", member.organisation_id)
    messages.success(
        request,
        _("%(name)s is now %(role)s.") % {"name": _name(member), "role": role_in_a_sentence(role)},
    )
    if member.user_id == request.user.pk and role != Membership.Role.ADMIN:
        return redirect("workshops:programme_list")  # no longer an administrator here
    return redirect("accounts:members", member.organisation_id)


@require_http_methods(["GET", "POST"])
@login_required
def member_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = _member_for(request, pk)
    leaving = member.user_id == request.user.pk
    is_admin = Membership.objects.filter(
        user=request.user, organisation=member.organisation, role=Membership.Role.ADMIN
    ).exists()
    back = (
        reverse("accounts:members", args=[member.organisation_id])
        if is_admin
        else reverse("accounts:account")
    )
    if request.method == "POST":
        try:
            services.remove_member(member.pk, by=request.user)
        except services.Refused as refusal:
            messages.error(request, str(refusal))
            return redirect(back)
        if leaving:
            messages.success(
                request,
                _("You have left %(organisation)s.") % {"organisation": member.organisation.name},
            )
            return redirect("accounts:account")
        messages.success(
            request,
            _("%(name)s is no longer a member of %(organisation)s.")
            % {"name": _name(member), "organisation": member.organisation.name},
        )
        return redirect(back)
    last_admin = (
        member.role == Membership.Role.ADMIN
        and not Membership.objects.filter(
            organisation=member.organisation, role=Membership.Role.ADMIN
        )
        .exclude(pk=member.pk)
        .exists()
    )
    return TemplateResponse(
        request,
        "accounts/member_remove.html",
        {
            "member": member,
            "leaving": leaving,
            "last_admin": last_admin,
            "back": back,
            "programmes": member.organisation.programmes.filter(created_by=member.user).count(),
        },
    )


# The user's own account


def _account_page(request: AuthenticatedHttpRequest, form=None, status=200) -> HttpResponse:
    return TemplateResponse(
        request,
        "accounts/account.html",
        {
            "memberships": Membership.objects.filter(user=request.user)
            .select_related("organisation")
            .order_by("organisation__name"),
            "form": form or SignOutEverywhereForm(user=request.user),
            "has_password": request.user.has_usable_password(),
        },
        status=status,
    )


@require_GET
@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _account_page(request)


@require_POST
@login_required
@sensitive_post_parameters("password")
def sign_out_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SignOutEverywhereForm(request.POST, user=request.user)
    if not form.is_valid():
        return _account_page(request, form, status=400)
    user = request.user
    # Django keeps in each session a hash of the password's hash (the session auth hash) and
    # ends any session whose hash no longer matches at its next request. Setting the same
    # password again hashes it with a new salt, so every other session ends; then
    # update_session_auth_hash keeps this one. All public API: no token table or middleware
    # of our own, and a password change or reset ends the other sessions the same way.
    if user.has_usable_password():
        user.set_password(form.cleaned_data["password"])
    else:
        user.set_unusable_password()  # a new random value: the same effect for single sign-on
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    messages.success(
        request, _("You are logged out on every other device. This browser stays logged in.")
    )
    return redirect("accounts:account")

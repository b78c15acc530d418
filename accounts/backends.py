from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Signs in with the e-mail address, in any case, as well as with the user name.

    New accounts are named by their address in lower case (accounts/services.py), but people
    type "Kari@Seljord.kommune.no"; older accounts have a user name and an address.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password or "@" not in username:
            return None
        users = list(get_user_model().objects.filter(email__iexact=username.strip())[:2])
        if len(users) != 1:
            # As ModelBackend does for an unknown name: hash once, so the time taken tells
            # nobody whether the address has an account.
            get_user_model()().set_password(password)
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

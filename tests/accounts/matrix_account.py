"""Authorization matrix rows of the user's own account page (alliance/accounts/urls.py) and of
allauth's sessions page. See tests/matrix.py.

Everything here is the signed-in user's own: every persona gets their own page (200); the
anonymous visitor is sent to sign in (302). A token or session that is not the user's own is
not found (404), whoever asks. Making a token needs a fresh password: the matrix's `login()`
records one, so the new key is shown (200).
"""

from django.urls import reverse

from ..matrix import Row

NOBODYS = "0" * 20  # the public name of no token and no session

ROWS = {
    "accounts:me": Row(lambda w: reverse("accounts:me"), {"anonymous": 302, "*": 200}),
    "accounts:token_create": Row(lambda w: reverse("accounts:token_create"),
                                 {"anonymous": 302, "*": 200}, method="post"),
    "accounts:token_revoke": Row(lambda w: reverse("accounts:token_revoke", args=[NOBODYS]),
                                 {"anonymous": 302, "*": 404}, method="post"),
    "accounts:session_end": Row(lambda w: reverse("accounts:session_end", args=[NOBODYS]),
                                {"anonymous": 302, "*": 404}, method="post"),
    "accounts:sessions_end_others": Row(lambda w: reverse("accounts:sessions_end_others"),
                                        {"anonymous": 302, "*": 302}, method="post"),
    "usersessions_list": Row(lambda w: reverse("usersessions_list"),
                             {"anonymous": 302, "*": 200}),
}

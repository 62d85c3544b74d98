"""The base test case and its personas.

Alice and Bob are ordinary members, each with a private network. Charlie is a member with
nothing of his own: he should have no access to Alice's stuff. The facilitator builds a method;
the moderator cleans up its comments.
"""

from __future__ import annotations

from django.test import TestCase

from entregent.accounts.models import User

PASSWORD = "correct horse battery staple"


def make_user(email: str, display_name: str = "", **extra: object) -> User:
    user = User.objects.create_user(email, PASSWORD, display_name=display_name, **extra)
    # allauth keeps its own record of verified addresses; personas can log in at once.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


class BaseTestCase(TestCase):
    alice: User
    bob: User
    charlie: User
    facilitator: User
    moderator: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.alice = make_user("alice@example.org", "Alice")
        cls.bob = make_user("bob@example.org", "Bob")
        cls.charlie = make_user("charlie@example.org", "Charlie")
        cls.facilitator = make_user("facilitator@example.org", "Fatou (facilitator)")
        cls.moderator = make_user("moderator@example.org", "Marc (moderator)")

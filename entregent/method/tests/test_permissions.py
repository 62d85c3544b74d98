"""Every route of methods, steps and versions, as each role: a visitor, a member (Bob), the
method's moderator and its facilitator.

Only facilitators draft, edit, schedule and publish; moderators are not facilitators (403 on
the facilitator's actions); members subscribe; visitors read public methods and their
published versions. What a user may not see answers 404 (a members-only method for a
visitor, a draft for anyone but the facilitators); what they may see but not do, 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse

from entregent.accounts.models import User
from entregent.method.models import Method, StepVersion
from entregent.method.tests.factories import make_method, make_version
from entregent.test import BaseTestCase

State = StepVersion.State
LOGIN = "login"
ROLES = ("visitor", "member", "moderator", "facilitator")


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[object, ...]
    # The status each role gets, in the order of ROLES; LOGIN is a redirect to the login page.
    expected: tuple[object, object, object, object]
    method: str = "get"

    @property
    def url(self) -> str:
        return reverse(f"methods:{self.name}", args=self.args)


PUB, INNER = "pub", "inner"
CASES = [
    Case("list", (), (200, 200, 200, 200)),
    # Creating methods is for staff and holders of method.add_method (test_steps_views).
    Case("new", (), (LOGIN, 403, 403, 403)),
    Case("detail", (PUB,), (200, 200, 200, 200)),
    Case("detail", (INNER,), (404, 200, 200, 200)),
    Case("edit", (PUB,), (LOGIN, 403, 403, 200)),
    Case("edit", (INNER,), (LOGIN, 403, 403, 200)),
    # An empty form: the facilitator gets it back with its errors.
    Case("edit", (PUB,), (LOGIN, 403, 403, 200), method="post"),
    Case("subscribe", (PUB,), (LOGIN, 302, 302, 302), method="post"),
    Case("subscribe", (INNER,), (LOGIN, 302, 302, 302), method="post"),
    Case("subscribe", (PUB,), (LOGIN, 405, 405, 405)),
    # Feed readers have no session: only public methods have a feed.
    Case("feed", (PUB,), (200, 200, 200, 200)),
    Case("feed", (INNER,), (404, 404, 404, 404)),
    Case("step-new", (PUB,), (LOGIN, 403, 403, 200)),
    Case("step-new", (PUB,), (LOGIN, 403, 403, 200), method="post"),
    # Step 1: version 1 open, version 2 a draft. Step 2: only a draft.
    Case("step", (PUB, 1), (200, 200, 200, 200)),
    Case("step", (PUB, 2), (404, 404, 404, 200)),
    Case("step", (INNER, 1), (404, 200, 200, 200)),
    Case("step", (PUB, 9), (404, 404, 404, 404)),
    Case("version", (PUB, 1, 1), (200, 200, 200, 200)),
    Case("version", (PUB, 1, 2), (404, 404, 404, 200)),
    Case("version", (INNER, 1, 1), (404, 200, 200, 200)),
    Case("version-new", (PUB, 1), (LOGIN, 403, 403, 302)),
    Case("version-new", (INNER, 1), (LOGIN, 403, 403, 200)),
    Case("version-edit", (PUB, 1, 2), (LOGIN, 404, 404, 200)),
    Case("version-edit", (PUB, 1, 2), (LOGIN, 404, 404, 200), method="post"),
    # A published version: readable, so 403 rather than 404; its text no longer changes.
    Case("version-edit", (PUB, 1, 1), (LOGIN, 403, 403, 302)),
    Case("version-transition", (PUB, 1, 2, "publish"), (LOGIN, 404, 404, 302), method="post"),
    Case("version-transition", (PUB, 1, 2, "schedule"), (LOGIN, 404, 404, 400), method="post"),
    Case("version-transition", (PUB, 1, 2, "unschedule"), (LOGIN, 404, 404, 302), method="post"),
    Case("version-transition", (PUB, 1, 1, "close"), (LOGIN, 403, 403, 302), method="post"),
    Case("version-transition", (PUB, 1, 1, "reopen"), (LOGIN, 403, 403, 302), method="post"),
    Case("version-transition", (PUB, 1, 1, "validate"), (LOGIN, 403, 403, 302), method="post"),
    Case("version-transition", (PUB, 1, 1, "validate"), (LOGIN, 403, 403, 200)),
    Case("version-transition", (PUB, 1, 1, "close"), (LOGIN, 403, 403, 405)),
    Case("version-transition", (INNER, 1, 1, "close"), (LOGIN, 403, 403, 302), method="post"),
    Case("diff", (PUB, 1, 1, 1), (200, 200, 200, 200)),
    Case("diff", (PUB, 1, 1, 2), (404, 404, 404, 200)),
    Case("diff", (INNER, 1, 1, 1), (404, 200, 200, 200)),
]


class PermissionMatrixTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for slug, visibility in (
            (PUB, Method.Visibility.PUBLIC),
            (INNER, Method.Visibility.MEMBERS),
        ):
            method = make_method(
                cls.facilitator, moderator=cls.moderator, slug=slug, visibility=visibility
            )
            make_version(method, 1, 1, state=State.OPEN)
        pub = Method.objects.get(slug=PUB)
        make_version(pub, 1, 2)
        make_version(pub, 2, 1)

    def user_for(self, role: str) -> User | AnonymousUser:
        users: dict[str, User | AnonymousUser] = {
            "visitor": AnonymousUser(),
            "member": self.bob,
            "moderator": self.moderator,
            "facilitator": self.facilitator,
        }
        return users[role]

    def test_each_route_as_each_role(self) -> None:
        login = reverse("account_login")
        failures = []
        for case in CASES:
            for role, expected in zip(ROLES, case.expected, strict=True):
                self.client.logout()
                user = self.user_for(role)
                if isinstance(user, User):
                    self.client.force_login(user)
                # Each request on the same data: what a facilitator's POST changed is undone.
                with transaction.atomic():
                    response = getattr(self.client, case.method)(case.url)
                    transaction.set_rollback(True)
                got: object = response.status_code
                if got == 302 and response["Location"].startswith(login):
                    got = LOGIN
                if got != expected:
                    failures.append(
                        f"{case.method.upper()} {case.url} as {role}: {got}, expected {expected}"
                    )
        self.assertEqual(failures, [])

    def test_moderators_are_not_facilitators(self) -> None:
        method = Method.objects.get(slug=PUB)
        self.assertTrue(method.is_moderator(self.moderator))
        self.assertFalse(method.is_facilitator(self.moderator))
        self.client.force_login(self.moderator)
        url = reverse("methods:version-transition", args=[PUB, 1, 1, "close"])
        self.assertEqual(self.client.post(url).status_code, 403)
        self.assertEqual(
            StepVersion.objects.get(step__method=method, step__number=1, number=1).state,
            State.OPEN,
        )

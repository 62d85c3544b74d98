from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from entregent.test import PASSWORD, BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


class LoginTests(BaseTestCase):
    def log_in(self, email: str, password: str = PASSWORD) -> TestResponse:
        return self.client.post(reverse("account_login"), {"login": email, "password": password})

    def test_a_member_logs_in_with_email_and_password_and_out_again(self) -> None:
        response = self.log_in(self.alice.email)

        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.alice.pk))

        self.client.post(reverse("account_logout"))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_wrong_password_is_refused_with_a_message_on_the_page(self) -> None:
        response = self.log_in(self.alice.email, "not her password")

        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)
        # The error belongs to no single field: it is shown above them and announced.
        self.assertContains(response, '<div role="alert">')
        self.assertContains(response, "not correct")

    def test_logins_are_refused_after_repeated_failures_even_with_the_right_password(
        self,
    ) -> None:
        # settings.ACCOUNT_RATE_LIMITS["login_failed"]: five failures per address in 5 minutes.
        for _attempt in range(5):
            self.log_in(self.alice.email, "guess")

        response = self.log_in(self.alice.email)

        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertTrue(response.context["form"].has_error("__all__", "too_many_login_attempts"))
        self.assertContains(response, "Too many failed login attempts")

    def test_the_limit_on_one_address_leaves_other_members_free_to_log_in(self) -> None:
        for _attempt in range(5):
            self.log_in(self.alice.email, "guess")

        self.log_in(self.bob.email)

        self.assertEqual(self.client.session["_auth_user_id"], str(self.bob.pk))

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from entregent.accounts.models import User
from entregent.accounts.tests.helpers import link_in_last_email
from entregent.test import PASSWORD, BaseTestCase

NEWCOMER = "dora@example.org"


class SignUpTests(BaseTestCase):
    def sign_up(self, email: str = NEWCOMER) -> None:
        response = self.client.post(
            reverse("account_signup"),
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )
        self.assertRedirects(
            response, reverse("account_email_verification_sent"), fetch_redirect_response=False
        )

    def log_in(self, email: str = NEWCOMER) -> str:
        response = self.client.post(
            reverse("account_login"), {"login": email, "password": PASSWORD}
        )
        return str(response.headers.get("Location", ""))

    def test_signing_up_sends_a_verification_email_whose_link_logs_the_newcomer_in(self) -> None:
        self.sign_up()

        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [NEWCOMER])
        self.assertTrue(mail.outbox[0].subject.startswith("[entregent] "))
        self.assertNotIn("_auth_user_id", self.client.session)

        confirm_path = link_in_last_email(NEWCOMER)
        # The link shows a confirmation button rather than confirming on GET, so that mail
        # scanners following links cannot confirm an address for someone else.
        self.assertContains(self.client.get(confirm_path), "<form")
        self.client.post(confirm_path)

        dora = User.objects.get(email=NEWCOMER)
        self.assertTrue(EmailAddress.objects.get(user=dora).verified)
        self.assertEqual(self.client.session["_auth_user_id"], str(dora.pk))

    def test_an_unverified_member_cannot_log_in_until_the_address_is_verified(self) -> None:
        self.sign_up()
        confirm_path = link_in_last_email(NEWCOMER)
        self.client.logout()

        location = self.log_in()

        self.assertEqual(location, reverse("account_email_verification_sent"))
        self.assertNotIn("_auth_user_id", self.client.session)

        self.client.post(confirm_path)
        self.client.logout()
        self.log_in()
        self.assertEqual(
            self.client.session["_auth_user_id"], str(User.objects.get(email=NEWCOMER).pk)
        )

    def test_signing_up_with_a_taken_address_warns_its_owner_without_telling_the_visitor(
        self,
    ) -> None:
        # allauth prevents account enumeration: the page cannot tell who is a member.
        self.sign_up(self.alice.email)

        self.assertEqual(User.objects.filter(email=self.alice.email).count(), 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.alice.email])
        self.assertIn("already", str(mail.outbox[0].body))

    def test_passwords_that_differ_are_refused_with_a_visible_error(self) -> None:
        response = self.client.post(
            reverse("account_signup"),
            {"email": NEWCOMER, "password1": PASSWORD, "password2": PASSWORD + "!"},
        )

        self.assertTrue(response.context["form"].errors)
        self.assertContains(response, 'class="errorlist')
        self.assertFalse(User.objects.filter(email=NEWCOMER).exists())

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from entregent.accounts.tests.helpers import link_in_last_email
from entregent.test import PASSWORD, BaseTestCase

NEW_PASSWORD = "a brand new passphrase for alice"


class PasswordResetTests(BaseTestCase):
    def test_a_member_resets_a_forgotten_password_through_the_emailed_link(self) -> None:
        response = self.client.post(reverse("account_reset_password"), {"email": self.alice.email})
        self.assertRedirects(
            response, reverse("account_reset_password_done"), fetch_redirect_response=False
        )
        self.assertEqual(len(mail.outbox), 1)

        # The emailed link moves the key into the session and redirects to a keyless URL,
        # so that the key does not leak through the Referer header.
        set_password_page = self.client.get(link_in_last_email(self.alice.email))
        self.assertEqual(set_password_page.status_code, 302)
        response = self.client.post(
            set_password_page["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
        self.assertRedirects(
            response,
            reverse("account_reset_password_from_key_done"),
            fetch_redirect_response=False,
        )

        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password(NEW_PASSWORD))
        self.client.post(
            reverse("account_login"), {"login": self.alice.email, "password": NEW_PASSWORD}
        )
        self.assertEqual(self.client.session["_auth_user_id"], str(self.alice.pk))

    def test_a_reset_link_works_only_once(self) -> None:
        self.client.post(reverse("account_reset_password"), {"email": self.alice.email})
        link = link_in_last_email(self.alice.email)
        set_password_page = self.client.get(link)
        self.client.post(
            set_password_page["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )

        response = self.client.get(link, follow=True)

        self.assertTrue(response.context["token_fail"])
        self.assertContains(response, "invalid")
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password(NEW_PASSWORD))

    def test_asking_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing_useful(
        self,
    ) -> None:
        response = self.client.post(
            reverse("account_reset_password"), {"email": "nobody@example.org"}
        )

        # Same answer as for a member: the page must not reveal who has an account.
        self.assertRedirects(
            response, reverse("account_reset_password_done"), fetch_redirect_response=False
        )
        self.assertFalse(any("/password/reset/key/" in str(m.body) for m in mail.outbox))


class PasswordChangeTests(BaseTestCase):
    def test_a_member_changes_the_password_after_typing_the_current_one(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

        self.assertEqual(response.status_code, 302)
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password(NEW_PASSWORD))

    def test_a_wrong_current_password_is_shown_next_to_its_field(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.post(
            reverse("account_change_password"),
            {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

        self.assertTrue(response.context["form"].has_error("oldpassword"))
        self.assertContains(response, 'id="id_oldpassword_error"')
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password(PASSWORD))

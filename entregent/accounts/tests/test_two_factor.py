from __future__ import annotations

import time
from typing import TYPE_CHECKING

import time_machine
from allauth.mfa.models import Authenticator
from django.urls import reverse

from entregent.accounts.tests.helpers import totp_code, unlabelled_controls
from entregent.test import PASSWORD, BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


class TwoFactorTests(BaseTestCase):
    def log_in(self) -> str:
        """Log Alice in through the form; answers where the login sent her."""
        response = self.client.post(
            reverse("account_login"), {"login": self.alice.email, "password": PASSWORD}
        )
        return str(response["Location"])

    def open_activation_page(self) -> TestResponse:
        self.log_in()
        response = self.client.get(reverse("mfa_activate_totp"))
        # allauth asks for the password again before second factors change.
        self.assertRedirects(
            response,
            f"{reverse('account_reauthenticate')}?next={reverse('mfa_activate_totp')}",
            fetch_redirect_response=False,
        )
        self.client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        return self.client.get(reverse("mfa_activate_totp"))

    def activate_totp(self) -> str:
        """Turn on Alice's authenticator app the way she would; answers its secret."""
        page = self.open_activation_page()
        secret = str(page.context["form"].secret)
        response = self.client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
        self.assertRedirects(
            response, reverse("mfa_view_recovery_codes"), fetch_redirect_response=False
        )
        return secret

    def test_the_activation_page_draws_the_qr_code_inline_without_any_other_host(self) -> None:
        response = self.open_activation_page()

        self.assertContains(response, 'src="data:image/svg+xml;base64,')
        self.assertContains(response, 'alt="QR code to scan with your authenticator app"')
        self.assertContains(response, str(response.context["form"].secret))
        self.assertNotContains(response, "http://", msg_prefix="no external resource")
        self.assertNotContains(response, "https://")

    def test_a_wrong_code_does_not_activate_the_app_and_says_so_next_to_the_field(self) -> None:
        self.open_activation_page()

        response = self.client.post(reverse("mfa_activate_totp"), {"code": "000000x"})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="id_code_error"')
        self.assertFalse(Authenticator.objects.filter(user=self.alice).exists())

    def test_a_code_from_the_secret_activates_the_app_and_login_then_asks_for_a_code(
        self,
    ) -> None:
        with time_machine.travel(time.time(), tick=False) as traveller:
            secret = self.activate_totp()
            types = set(
                Authenticator.objects.filter(user=self.alice).values_list("type", flat=True)
            )
            self.assertEqual(types, {"totp", "recovery_codes"})
            self.client.post(reverse("account_logout"))

            self.assertEqual(self.log_in(), reverse("mfa_authenticate"))
            self.assertNotIn("_auth_user_id", self.client.session)

            # A code is accepted once: the next one comes with the next 30-second period.
            traveller.shift(30)
            self.client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

        self.assertEqual(self.client.session["_auth_user_id"], str(self.alice.pk))

    def test_the_code_page_offers_recovery_codes_and_labels_its_field(self) -> None:
        self.activate_totp()
        self.client.post(reverse("account_logout"))
        self.log_in()

        response = self.client.get(reverse("mfa_authenticate"))

        self.assertTemplateUsed(response, "base.html")
        self.assertContains(response, "recovery codes")
        self.assertEqual(unlabelled_controls(response.content.decode()), [])

    def test_a_code_that_logged_in_once_cannot_log_in_again(self) -> None:
        with time_machine.travel(time.time(), tick=False) as traveller:
            secret = self.activate_totp()
            traveller.shift(30)
            code = totp_code(secret)
            self.client.post(reverse("account_logout"))
            self.log_in()
            self.client.post(reverse("mfa_authenticate"), {"code": code})
            self.assertEqual(self.client.session["_auth_user_id"], str(self.alice.pk))
            self.client.post(reverse("account_logout"))

            # Someone who saw the code over Alice's shoulder, within the same 30 seconds.
            self.log_in()
            response = self.client.post(reverse("mfa_authenticate"), {"code": code})

        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertTrue(response.context["form"].has_error("code"))

    def test_a_recovery_code_logs_in_once_and_only_once(self) -> None:
        self.activate_totp()
        codes = self.client.get(reverse("mfa_view_recovery_codes")).context["unused_codes"]
        self.client.post(reverse("account_logout"))

        self.log_in()
        self.client.post(reverse("mfa_authenticate"), {"code": codes[0]})
        self.assertEqual(self.client.session["_auth_user_id"], str(self.alice.pk))
        self.client.post(reverse("account_logout"))

        self.log_in()
        response = self.client.post(reverse("mfa_authenticate"), {"code": codes[0]})
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertTrue(response.context["form"].has_error("code"))

        self.client.post(reverse("mfa_authenticate"), {"code": codes[1]})
        self.assertEqual(self.client.session["_auth_user_id"], str(self.alice.pk))

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from entregent.accounts.tests.helpers import link_in_last_email
from entregent.test import BaseTestCase

NEW_ADDRESS = "alice.martin@example.org"


class EmailAddressTests(BaseTestCase):
    def test_an_added_address_stays_unverified_until_its_link_is_followed(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.post(
            reverse("account_email"), {"action_add": "", "email": NEW_ADDRESS}
        )

        self.assertEqual(response.status_code, 302)
        added = EmailAddress.objects.get(user=self.alice, email=NEW_ADDRESS)
        self.assertFalse(added.verified)
        self.assertEqual(mail.outbox[-1].to, [NEW_ADDRESS])

        self.client.post(link_in_last_email(NEW_ADDRESS))

        added.refresh_from_db()
        self.assertTrue(added.verified)

    def test_an_invalid_address_is_refused_next_to_the_field(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.post(
            reverse("account_email"), {"action_add": "", "email": "not an address"}
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="id_email_error"')
        self.assertEqual(EmailAddress.objects.filter(user=self.alice).count(), 1)

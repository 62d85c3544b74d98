"""The Django admin for operators: every registered model's pages open, users can be added."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.urls import reverse

from entregent.accounts.models import User
from entregent.network.tests.factories import log_interaction, make_contact, make_tag
from entregent.test import BaseTestCase


class AdminTests(BaseTestCase):
    def setUp(self) -> None:
        self.operator = User.objects.create_superuser("ops@example.org", "x")
        self.client.force_login(self.operator)
        contact = make_contact(self.alice, "Ada")
        contact.tags.add(make_tag(self.alice))
        log_interaction(self.alice, [contact], dt.date(2026, 1, 1))

    def test_every_registered_model_lists_and_opens(self) -> None:
        for model in admin.site._registry:
            opts = model._meta
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            self.assertEqual(self.client.get(changelist).status_code, 200, changelist)
            first = model._default_manager.first()
            if first is not None:
                change = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]
                )
                self.assertEqual(self.client.get(change).status_code, 200, change)

    def test_an_operator_adds_a_member_by_email(self) -> None:
        response = self.client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": "new@example.org",
                "usable_password": "true",
                "password1": "Sup3r-secret-pass",
                "password2": "Sup3r-secret-pass",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(
            User.objects.get(email="new@example.org").check_password("Sup3r-secret-pass")
        )

    def test_a_member_cannot_open_the_admin(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(reverse("admin:network_contact_changelist"))
        self.assertEqual(response.status_code, 302)

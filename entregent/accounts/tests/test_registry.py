from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import SimpleTestCase

from entregent.accounts import registry


class RegistryTests(SimpleTestCase):
    def test_every_model_that_points_at_a_member_is_registered_for_export_and_erasure(
        self,
    ) -> None:
        user_model = apps.get_model(settings.AUTH_USER_MODEL)
        registered = {holding.model for holding in registry.holdings()}

        # ForeignKey covers OneToOneField, its subclass.
        missing = sorted(
            f"{model._meta.label}.{field.name}"
            for model in apps.get_models()
            for field in model._meta.concrete_fields
            if isinstance(field, models.ForeignKey)
            and field.related_model is user_model
            and model not in registered
        )

        self.assertEqual(
            missing,
            [],
            "These models hold rows that belong to a member, yet are not registered with "
            "entregent.accounts.registry.register() in their app's ready(): a member's export "
            "would miss them and erasure might not remove them.",
        )

    def test_the_member_is_exported_without_secrets(self) -> None:
        (member,) = [h for h in registry.holdings() if h.label == settings.AUTH_USER_MODEL]

        self.assertEqual(set(member.exclude), {"password", "calendar_secret"})

    def test_second_factor_secrets_are_never_exported(self) -> None:
        (authenticators,) = [h for h in registry.holdings() if h.label == "mfa.Authenticator"]

        self.assertIn("data", authenticators.exclude)

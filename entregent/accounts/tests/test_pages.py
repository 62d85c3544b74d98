from __future__ import annotations

from django.urls import reverse

from entregent.accounts.tests.helpers import unlabelled_controls
from entregent.test import PASSWORD, BaseTestCase

VISITOR_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]
MEMBER_PAGES = [
    "accounts:profile",
    "accounts:export",
    "accounts:erase",
    "account_email",
    "account_change_password",
    "account_logout",
    "mfa_index",
    "account_reauthenticate",
]


class PageTests(BaseTestCase):
    def assert_site_page(self, url_name: str) -> None:
        response = self.client.get(reverse(url_name))
        self.assertEqual(response.status_code, 200, url_name)
        self.assertTemplateUsed(response, "base.html")
        self.assertContains(response, 'class="site-header"')
        self.assertContains(response, "/static/entregent/site.css")
        self.assertContains(response, "<h1>")
        self.assertEqual(unlabelled_controls(response.content.decode()), [], url_name)

    def test_visitor_pages_share_the_site_layout_and_label_every_field(self) -> None:
        for url_name in VISITOR_PAGES:
            with self.subTest(url_name):
                self.assert_site_page(url_name)

    def test_member_pages_share_the_site_layout_and_label_every_field(self) -> None:
        self.client.force_login(self.alice)
        for url_name in MEMBER_PAGES:
            with self.subTest(url_name):
                self.assert_site_page(url_name)

    def test_settings_pages_share_one_navigation_marking_the_current_page(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.get(reverse("account_email"))

        self.assertContains(response, 'aria-label="Account settings"')
        self.assertContains(response, f'href="{reverse("account_email")}" aria-current="page"')
        self.assertContains(response, f'href="{reverse("accounts:erase")}"')

    def test_two_factor_setup_pages_use_the_site_layout_and_label_every_field(self) -> None:
        self.client.post(
            reverse("account_login"), {"login": self.alice.email, "password": PASSWORD}
        )
        self.client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        for url_name in ("mfa_activate_totp", "mfa_generate_recovery_codes"):
            with self.subTest(url_name):
                response = self.client.get(reverse(url_name))
                self.assertTemplateUsed(response, "base.html")
                self.assertEqual(unlabelled_controls(response.content.decode()), [])


class VisitorHomeTests(BaseTestCase):
    def test_visitors_see_what_entregent_is_with_links_to_sign_up_and_log_in(self) -> None:
        response = self.client.get("/")

        self.assertTemplateUsed(response, "home_visitor.html")
        self.assertContains(response, "My network")
        self.assertContains(response, "The method")
        self.assertContains(response, f'class="button" href="{reverse("account_signup")}"')
        self.assertContains(response, f'href="{reverse("account_login")}"')

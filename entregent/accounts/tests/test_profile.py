from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from entregent.accounts.middleware import UserPreferencesMiddleware
from entregent.test import BaseTestCase


def _profile(**changes: str) -> dict[str, str]:
    data = {"display_name": "Alice", "language": "", "time_zone": "Europe/Paris"}
    data.update(changes)
    return data


class ProfileTests(BaseTestCase):
    def test_visitors_are_sent_to_log_in(self) -> None:
        response = self.client.get(reverse("accounts:profile"))

        self.assertRedirects(
            response,
            f"{reverse('account_login')}?next={reverse('accounts:profile')}",
            fetch_redirect_response=False,
        )

    def test_the_profile_links_to_every_account_setting(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.get(reverse("accounts:profile"))

        for name in (
            "account_email",
            "account_change_password",
            "mfa_index",
            "accounts:export",
            "accounts:erase",
        ):
            self.assertContains(response, f'href="{reverse(name)}"')

    def test_choosing_french_turns_the_pages_french(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.post(reverse("accounts:profile"), _profile(language="fr"))

        self.assertRedirects(response, reverse("accounts:profile"), fetch_redirect_response=False)
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.language, "fr")
        page = self.client.get(reverse("accounts:profile"))
        self.assertEqual(page.wsgi_request.LANGUAGE_CODE, "fr")
        self.assertContains(page, '<html lang="fr">')

    def test_the_profile_language_wins_over_the_browsers(self) -> None:
        self.alice.language = "fr"
        self.alice.save()
        self.client.force_login(self.alice)

        page = self.client.get(reverse("accounts:profile"), headers={"accept-language": "en"})

        self.assertEqual(page.wsgi_request.LANGUAGE_CODE, "fr")

    def test_following_the_browser_uses_its_language_and_forgets_an_old_choice(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(reverse("accounts:profile"), _profile(language="fr"))

        response = self.client.post(reverse("accounts:profile"), _profile(language=""))

        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "")
        page = self.client.get(reverse("accounts:profile"), headers={"accept-language": "en"})
        self.assertEqual(page.wsgi_request.LANGUAGE_CODE, "en")
        page = self.client.get(reverse("accounts:profile"), headers={"accept-language": "fr"})
        self.assertEqual(page.wsgi_request.LANGUAGE_CODE, "fr")

    def test_display_name_and_time_zone_are_saved(self) -> None:
        self.client.force_login(self.alice)

        self.client.post(
            reverse("accounts:profile"),
            _profile(display_name="Alice Martin", time_zone="America/Montreal"),
        )

        self.alice.refresh_from_db()
        self.assertEqual(self.alice.display_name, "Alice Martin")
        self.assertEqual(self.alice.time_zone, "America/Montreal")

    def test_an_unknown_time_zone_is_refused_next_to_its_field(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.post(
            reverse("accounts:profile"), _profile(time_zone="Mars/Olympus")
        )

        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].has_error("time_zone", "invalid_choice"))
        select = re.search(r"<select[^>]*name=\"time_zone\"[^>]*>", response.content.decode())
        assert select is not None
        # The error sits next to the field and the field points at it, for screen readers.
        self.assertIn('aria-invalid="true"', select.group(0))
        self.assertIn("id_time_zone_error", select.group(0))
        self.assertContains(response, 'id="id_time_zone_error"')
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.time_zone, "Europe/Paris")

    def test_a_display_name_on_two_lines_is_refused(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.post(
            reverse("accounts:profile"), _profile(display_name="Alice\nMartin")
        )

        self.assertTrue(
            response.context["form"].has_error("display_name", "multiline_display_name")
        )
        self.assertContains(response, 'id="id_display_name_error"')


class FooterLanguageSwitchTests(BaseTestCase):
    def test_a_members_choice_in_the_footer_is_saved_on_the_profile(self) -> None:
        self.client.force_login(self.alice)

        response = self.client.post(
            reverse("accounts:set-language"), {"language": "fr", "next": "/accounts/profile/"}
        )

        self.assertRedirects(response, "/accounts/profile/", fetch_redirect_response=False)
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.language, "fr")
        page = self.client.get(reverse("accounts:profile"))
        self.assertEqual(page.wsgi_request.LANGUAGE_CODE, "fr")

    def test_a_visitors_choice_lives_in_the_language_cookie(self) -> None:
        self.client.post(reverse("accounts:set-language"), {"language": "fr", "next": "/"})

        page = self.client.get(reverse("account_login"))

        self.assertEqual(page.wsgi_request.LANGUAGE_CODE, "fr")
        self.assertContains(page, '<html lang="fr">')

    def test_an_unknown_language_changes_nothing(self) -> None:
        self.client.force_login(self.alice)

        self.client.post(reverse("accounts:set-language"), {"language": "xx", "next": "/"})

        self.alice.refresh_from_db()
        self.assertEqual(self.alice.language, "")

    def test_the_switch_only_answers_posts(self) -> None:
        response = self.client.get(reverse("accounts:set-language"))

        self.assertEqual(response.status_code, 405)

    def test_the_footer_form_posts_to_the_switch(self) -> None:
        page = self.client.get(reverse("account_login"))

        self.assertContains(page, f'action="{reverse("accounts:set-language")}"')


class UserPreferencesMiddlewareTests(BaseTestCase):
    def time_zone_during(self, request: HttpRequest) -> str:
        seen: list[str] = []

        def view(request: HttpRequest) -> HttpResponse:
            seen.append(timezone.get_current_timezone_name())
            return HttpResponse()

        UserPreferencesMiddleware(view)(request)
        return seen[0]

    def test_a_members_time_zone_applies_during_their_request(self) -> None:
        self.alice.time_zone = "Asia/Tokyo"
        request = RequestFactory().get("/")
        request.user = self.alice

        self.assertEqual(self.time_zone_during(request), "Asia/Tokyo")
        self.assertEqual(timezone.get_current_timezone_name(), settings.TIME_ZONE)

    def test_a_time_zone_that_no_longer_exists_falls_back_to_the_sites(self) -> None:
        self.alice.time_zone = "Atlantis/Capital"
        request = RequestFactory().get("/")
        request.user = self.alice

        self.assertEqual(self.time_zone_during(request), settings.TIME_ZONE)

"""Walk every URL pattern of the site and try to reach Alice's private data as someone else.

No hand-picked list: the resolver gives every route; each parameter is filled with the ids of
Alice's objects; each resulting URL is requested with GET and POST, as Bob (a member with data
of his own) and as an anonymous visitor. Nothing of Alice's may appear in a response, nothing of
hers may change, and no request may fail with a server error. Routes open to visitors are only
those of the allow-list in ``entregent/privacy.py``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from entregent.accounts import registry
from entregent.accounts.models import Notification
from entregent.imports.models import ImportJob
from entregent.method.models import Adoption, ChecklistItem, Debrief, Method, StepVersion
from entregent.method.tests.factories import make_method, make_version
from entregent.network.actions import merge_contacts
from entregent.network.models import (
    Contact,
    ContactPhoto,
    ContactPoint,
    DuplicateDecision,
    Relationship,
)
from entregent.network.tests.factories import log_interaction, make_contact, make_tag
from entregent.privacy import PUBLIC_ROUTES, SECRET_LINK_ROUTES
from entregent.test import BaseTestCase

# Strings that exist only in Alice's private data.
MARKERS = [
    "Zéphyrine Secretalice",
    "alice-headline-marker",
    "alicetagmarker",
    "alice-summary-marker",
    "alice-relationship-marker",
    "alice-point@marker.test",
    "alice-notes-marker",
    "alice-import-marker",
    "alice-merged-marker",
    "Other Alicefriend",
    "Binned Alicecontact",
    "alice-notification-marker",
    "alice-checklist-marker",
    "alice-debrief-marker",
]


# The method's unpublished and members-only texts: a draft version's exists only for the
# method's facilitators (never for Bob, never for a visitor); a members-only method's only
# for members (never for a visitor).
DRAFT_MARKERS = ["method-draft-version-marker", "method-draft-step-marker"]
MEMBERS_MARKERS = ["method-members-description-marker", "method-members-step-marker"]
PUBLIC_METHOD, MEMBERS_METHOD = "privacy-public-method", "privacy-members-method"


_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    name: str
    # The URL as a template: "network/contacts/{pk}/"
    template: str
    params: tuple[str, ...]

    def url(self, values: dict[str, str]) -> str:
        return "/" + self.template.format(**values)


def _template(pattern: Any) -> str:
    text = str(pattern)
    if hasattr(pattern, "converters"):  # a path() route
        text = text.replace("{", "{{").replace("}", "}}")
        return _ROUTE_PARAM.sub(lambda m: "{" + m[1] + "}", text)
    text = text.lstrip("^").rstrip("$").replace("\\", "")
    text = text.replace("{", "{{").replace("}", "}}")
    return _REGEX_PARAM.sub(lambda m: "{" + m[1] + "}", text)


def walk(patterns: list[Any], namespace: str = "", prefix: str = "") -> Iterator[Route]:
    """Every route of the site, unnamed ones (the admin's redirects) included."""
    for entry in patterns:
        template = prefix + _template(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from walk(entry.url_patterns, ns, template)
        elif isinstance(entry, URLPattern):
            name = namespace + (entry.name or f"<unnamed {template}>")
            params = tuple(re.findall(r"(?<!{){(\w+)}(?!})", template))
            yield Route(name, template, params)


class PrivacyWalkTests(BaseTestCase):
    alice_ids: list[int]
    secret: Contact
    draft: StepVersion

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        tag = make_tag(cls.alice, "alicetagmarker")
        secret = make_contact(
            cls.alice,
            "Zéphyrine Secretalice",
            headline="alice-headline-marker",
            notes="alice-notes-marker",
        )
        friend = make_contact(cls.alice, "Other Alicefriend")
        secret.tags.add(tag)
        ContactPoint.objects.create(contact=secret, kind="email", raw="alice-point@marker.test")
        interaction = log_interaction(
            cls.alice, [secret, friend], dt.date(2026, 1, 2), "alice-summary-marker"
        )
        relationship = Relationship.objects.create(
            owner=cls.alice,
            from_contact=secret,
            to_contact=friend,
            note="alice-relationship-marker",
        )
        binned = make_contact(cls.alice, "Binned Alicecontact", deleted_at=secret.created_at)
        # What imports, duplicates and merges keep: a finished import with its file, a picture,
        # a pair said to be two people, a merge that can be undone.
        job = ImportJob.objects.create(
            owner=cls.alice,
            file_name="alice-import-marker.csv",
            format="csv",
            data=b"Name\nalice-import-marker\n",
            size=25,
            sha256="0" * 64,
            status="done",
            result={"created": 1, "merged": 0, "skipped": 0, "errors": []},
        )
        ContactPhoto.objects.create(
            contact=secret, data=b"\x89PNG\r\n\x1a\n", content_type="image/png"
        )
        twin = make_contact(cls.alice, "Zéphyrine Secretalice", headline="alice-twin")
        first, second = sorted((secret, twin), key=lambda c: c.pk)
        decision = DuplicateDecision.objects.create(owner=cls.alice, first=first, second=second)
        merged_away = make_contact(cls.alice, "Merged Alicecontact", notes="alice-merged-marker")
        merge = merge_contacts(cls.alice, friend, merged_away)
        # The bell's inbox: opening someone else's notification must not mark it read.
        notification = Notification.objects.create(
            recipient=cls.alice, kind="tests.marker", title="alice-notification-marker"
        )
        # Bob has a network of his own, so scoping mistakes would show his objects' ids collide.
        bob_contact = make_contact(cls.bob, "Bob's contact")
        log_interaction(cls.bob, [bob_contact], dt.date(2026, 1, 3), "Bob's coffee")
        make_tag(cls.bob, "bobtag")

        cls.alice_ids = sorted(
            {
                secret.pk,
                friend.pk,
                binned.pk,
                tag.pk,
                interaction.pk,
                relationship.pk,
                secret.points.get().pk,
                cls.alice.pk,
                job.pk,
                twin.pk,
                decision.pk,
                merge.pk,
                notification.pk,
            }
        )
        cls.secret = secret
        # A public method with a step open and the next version of it still a draft, a step
        # that is only a draft, and a members-only method; the facilitator's, not Alice's.
        public = make_method(cls.facilitator, moderator=cls.moderator, slug=PUBLIC_METHOD)
        make_version(public, 1, 1, state=StepVersion.State.OPEN)
        cls.draft = make_version(public, 1, 2, reasoning="method-draft-version-marker")
        make_version(public, 2, 1, recommendation="method-draft-step-marker")
        # Alice applies a validated step and debriefs it, privately: her checklist and her
        # words are hers alone (only an aggregate of numbers ever leaves her space).
        applied = make_version(public, 3, 1, state=StepVersion.State.VALIDATED)
        adoption = Adoption.objects.create(owner=cls.alice, version=applied)
        item = ChecklistItem.objects.create(adoption=adoption, text="alice-checklist-marker")
        debrief = Debrief.objects.create(
            adoption=adoption,
            owner=cls.alice,
            version=applied,
            problems="alice-debrief-marker",
            assessment=Debrief.Assessment.PARTLY,
            usefulness=3,
        )
        cls.alice_ids = sorted({*cls.alice_ids, adoption.pk, item.pk, debrief.pk})
        members = make_method(
            cls.facilitator,
            slug=MEMBERS_METHOD,
            visibility=Method.Visibility.MEMBERS,
            description="method-members-description-marker",
        )
        make_version(
            members,
            1,
            1,
            state=StepVersion.State.OPEN,
            recommendation="method-members-step-marker",
        )

    def alice_fingerprint(self) -> str:
        """Every row Alice holds, serialized: any change by someone else shows here."""
        data = registry.export_user_data(self.alice)
        data.pop("accounts.User", None)  # last_login moves when Alice herself logs in
        return repr(data)

    def candidate_values(self, param: str) -> list[str]:
        values = [str(pk) for pk in self.alice_ids]
        # The method's routes: its own values first, so that each route's first combinations
        # (the walk tries 200 per route) reach the methods, steps and versions above. Step
        # and version numbers count within a method, they are no ids: a few are enough.
        if param == "slug":
            values = [PUBLIC_METHOD, MEMBERS_METHOD, *values]
        if param in ("number", "version", "a", "b"):
            values = ["1", "2", "3"]
        if param == "action":
            values = ["publish", "schedule", "unschedule", "close", "reopen", "validate"]
        if param in ("app_label",):
            values += ["network", "accounts"]
        if param == "format":
            values += ["vcard", "csv", "json"]
        if param in ("model_name",):
            values += ["contact", "interaction", "tag"]
        if param == "secret":
            # A real secret link, Bob's: it opens his calendar, never anything of Alice's.
            values += [self.bob.calendar_secret]
        return values

    def urls(self) -> Iterator[tuple[Route, str]]:
        for route in walk(get_resolver().url_patterns):
            choices = [self.candidate_values(p) for p in route.params]
            for combo in itertools.islice(itertools.product(*choices), 200):
                url = route.url(dict(zip(route.params, combo, strict=True)))
                try:
                    resolve(url)
                except Resolver404:
                    continue  # a value the pattern does not accept (an app label, say)
                yield route, url

    def assertNoAliceData(self, response: HttpResponse, who: str, method: str, url: str) -> None:
        self.assertLess(response.status_code, 500, f"{method} {url} as {who}")
        # Downloads stream: read them whole, they are where a leak would hurt most.
        content = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.streaming
            else response.content
        )
        body = content.decode(errors="replace") + response.get("Location", "")
        for marker in MARKERS:
            self.assertNotIn(marker, body, f"{method} {url} as {who} shows Alice's {marker!r}")
        for marker in DRAFT_MARKERS + (MEMBERS_MARKERS if who == "anonymous" else []):
            self.assertNotIn(marker, body, f"{method} {url} as {who} shows {marker!r}")

    def test_no_route_gives_alices_data_to_bob_or_a_visitor(self) -> None:
        before = self.alice_fingerprint()
        checked = 0
        for route, url in self.urls():
            for who in ("anonymous", "bob"):
                self.client.logout()
                if who == "bob":
                    self.client.force_login(self.bob)
                for method in ("get", "post"):
                    response = getattr(self.client, method)(url, {"name": "x", "summary": "x"})
                    self.assertNoAliceData(response, who, method, url)
                    checked += 1
            self.assertEqual(
                before, self.alice_fingerprint(), f"{route.name} {url} changed Alice's data"
            )
        # The walk found the network's parameterised routes, not an empty list.
        self.assertGreater(checked, 200)
        # Nobody but a facilitator published, scheduled or changed the draft.
        draft = StepVersion.objects.get(pk=self.draft.pk)
        self.assertEqual((draft.state, draft.reasoning), ("draft", "method-draft-version-marker"))

    def test_every_route_outside_the_allow_list_needs_a_login(self) -> None:
        allowed = PUBLIC_ROUTES | SECRET_LINK_ROUTES
        login = reverse("account_login")
        open_routes = []
        for route, url in self.urls():
            if route.name in allowed:
                continue
            response = self.client.get(url)
            redirected_to_login = response.status_code == 302 and response["Location"].startswith(
                (login, "/admin/login/")
            )
            if not (redirected_to_login or response.status_code in (403, 404, 405)):
                open_routes.append(f"{route.name} {url} -> {response.status_code}")
        self.assertEqual(open_routes, [], "open to visitors but not in the allow-list")

    def test_the_allow_list_names_real_routes(self) -> None:
        names = {route.name for route in walk(get_resolver().url_patterns)}
        self.assertEqual(PUBLIC_ROUTES - names, set())
        self.assertEqual(SECRET_LINK_ROUTES - names, set())

    def test_alice_herself_sees_her_contact(self) -> None:
        # The markers are real: the same walk would find them in Alice's own pages.
        self.client.force_login(self.alice)
        response = self.client.get(reverse("network:contact-detail", args=[self.secret.pk]))
        self.assertContains(response, "Zéphyrine Secretalice")

    def test_the_method_markers_are_real(self) -> None:
        # Bob, a member, reads the members-only method; its facilitator reads the draft.
        self.client.force_login(self.bob)
        response = self.client.get(reverse("methods:detail", args=[MEMBERS_METHOD]))
        self.assertContains(response, "method-members-description-marker")
        self.client.force_login(self.facilitator)
        response = self.client.get(reverse("methods:version", args=[PUBLIC_METHOD, 1, 2]))
        self.assertContains(response, "method-draft-version-marker")

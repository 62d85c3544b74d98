"""/methods/<slug>/feed.atom, parsed as Atom: the feed's own elements, one entry per published
version (newest first), no drafts, the method's language; members-only methods have none."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from django.urls import reverse

from entregent.method.models import Method, StepVersion
from entregent.method.tests.factories import make_method, make_version
from entregent.test import BaseTestCase

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
State = StepVersion.State
T0 = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)


class FeedTests(BaseTestCase):
    method: Method

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.method = make_method(cls.facilitator, title="Développer son réseau", language="fr")
        make_version(
            cls.method,
            1,
            1,
            state=State.SUPERSEDED,
            title="Inventaire",
            published_at=T0,
            superseded_at=T0 + dt.timedelta(days=20),
        )
        make_version(
            cls.method,
            1,
            2,
            state=State.VALIDATED,
            title="Inventaire par cercles",
            recommendation="Listez **tout le monde**.",
            published_at=T0 + dt.timedelta(days=10),
            closed_at=T0 + dt.timedelta(days=20),
            validated_at=T0 + dt.timedelta(days=20),
        )
        make_version(
            cls.method,
            2,
            1,
            state=State.OPEN,
            title="Reprendre contact",
            published_at=T0 + dt.timedelta(days=21),
        )
        make_version(cls.method, 3, 1, state=State.SCHEDULED, title="Marker scheduled feed")
        make_version(cls.method, 2, 2, title="Marker draft feed")

    def feed(self, method: Method) -> ET.Element:
        response = self.client.get(reverse("methods:feed", args=[method.slug]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        return ET.fromstring(response.content)

    def test_the_feed_is_valid_atom_with_its_own_elements(self) -> None:
        root = self.feed(self.method)
        self.assertEqual(root.tag, f"{ATOM}feed")
        for name in ("id", "title", "updated"):
            self.assertTrue((root.findtext(f"{ATOM}{name}") or "").strip(), name)
        self.assertEqual(root.findtext(f"{ATOM}title"), "Développer son réseau")
        self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
        self.assertEqual(len(self_link), 1)
        self.assertTrue(self_link[0].get("href", "").endswith("/developper-son-reseau/feed.atom"))
        # The feed is in the method's language, whatever the reader's.
        self.assertEqual(root.get(XML_LANG), "fr")

    def test_each_published_version_is_an_entry_newest_first(self) -> None:
        entries = self.feed(self.method).findall(f"{ATOM}entry")
        titles = [entry.findtext(f"{ATOM}title") for entry in entries]
        self.assertEqual(
            titles,
            [
                # A French method's feed speaks French (no-break space before the colon).
                "Étape 2, version 1\u00a0: Reprendre contact",
                "Étape 1, version 2\u00a0: Inventaire par cercles",
                "Étape 1, version 1\u00a0: Inventaire",
            ],
        )
        for entry in entries:
            for name in ("id", "title", "updated"):
                self.assertTrue((entry.findtext(f"{ATOM}{name}") or "").strip(), name)
            link = entry.find(f"{ATOM}link")
            assert link is not None
            self.assertTrue(link.get("href", "").startswith("http"))
        validated = entries[1]
        link = validated.find(f"{ATOM}link")
        assert link is not None
        self.assertTrue(
            link.get("href", "").endswith(
                reverse("methods:version", args=[self.method.slug, 1, 2])
            )
        )
        self.assertEqual(
            validated.findtext(f"{ATOM}summary"), "<p>Listez <strong>tout le monde</strong>.</p>"
        )
        # Updated when it was validated, published when it was published.
        self.assertTrue((validated.findtext(f"{ATOM}updated") or "").startswith("2026-11-22"))
        self.assertTrue((validated.findtext(f"{ATOM}published") or "").startswith("2026-11-12"))

    def test_drafts_and_scheduled_versions_are_not_in_it(self) -> None:
        response = self.client.get(reverse("methods:feed", args=[self.method.slug]))
        self.assertNotContains(response, "Marker draft feed")
        self.assertNotContains(response, "Marker scheduled feed")

    def test_a_members_only_method_has_no_feed_even_for_members(self) -> None:
        inner = make_method(self.facilitator, slug="inner", visibility=Method.Visibility.MEMBERS)
        make_version(inner, state=State.OPEN, title="Inner marker")
        url = reverse("methods:feed", args=[inner.slug])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_an_english_method_has_an_english_feed(self) -> None:
        english = make_method(self.facilitator, slug="grow", title="Grow", language="en")
        make_version(english, state=State.OPEN, title="Take stock")
        root = self.feed(english)
        self.assertEqual(root.get(XML_LANG), "en")

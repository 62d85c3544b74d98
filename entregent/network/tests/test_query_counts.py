"""List and detail pages run a fixed number of queries, whatever the size of the network."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entregent.accounts.models import User
from entregent.network.models import Contact, ContactPoint, Interaction, Tag
from entregent.test import BaseTestCase


def grow_network(owner: User, contacts: int, interactions_each: int) -> Contact:
    """A network of `contacts` people, each with tags, two points and interactions."""
    tags = Tag.objects.bulk_create(Tag(owner=owner, name=f"tag {i}") for i in range(5))
    people = Contact.objects.bulk_create(
        Contact(owner=owner, display_name=f"Person {i:04}", tie_strength=1 + i % 5)
        for i in range(contacts)
    )
    Contact.tags.through.objects.bulk_create(
        Contact.tags.through(contact=c, tag=tags[i % 5]) for i, c in enumerate(people)
    )
    ContactPoint.objects.bulk_create(
        ContactPoint(contact=c, kind=k, raw=v, value=v)
        for c in people
        for k, v in (("email", f"p{c.pk}@example.org"), ("phone", "+33612345678"))
    )
    day = dt.date(2025, 1, 1)
    interactions = Interaction.objects.bulk_create(
        Interaction(owner=owner, occurred_on=day + dt.timedelta(days=j), summary=f"Talk {j}")
        for _ in people
        for j in range(interactions_each)
    )
    Interaction.contacts.through.objects.bulk_create(
        Interaction.contacts.through(interaction=it, contact=people[n // interactions_each])
        for n, it in enumerate(interactions)
    )
    Contact.objects.filter(owner=owner).refresh_last_interaction()
    return people[0]


class QueryCountTests(BaseTestCase):
    def count_queries(self, url: str, params: dict[str, str] | None = None) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, params or {})
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_list_and_detail_do_not_grow_with_the_network(self) -> None:
        list_url = reverse("network:contact-list")
        variants: list[dict[str, str]] = [{}, {"status": "due", "sort": "last"}, {"q": "person"}]
        counts = {}
        for user, size, each in ((self.alice, 3, 2), (self.bob, 300, 40)):
            first = grow_network(user, size, each)
            tag = Tag.objects.filter(owner=user).first()
            assert tag is not None
            self.client.force_login(user)
            counts[size] = [
                self.count_queries(first.get_absolute_url()),
                self.count_queries(first.get_absolute_url(), {"timeline": "all"}),
                self.count_queries(list_url, {"tag": str(tag.pk)}),
                *(self.count_queries(list_url, params) for params in variants),
            ]
        self.assertEqual(counts[3], counts[300])

    def test_exact_counts(self) -> None:
        contact = grow_network(self.alice, 60, 3)
        self.client.force_login(self.alice)
        # session, user, count, the page's ids, its contacts, their tags, the tag filter's
        # choices, the bell's unread count
        with self.assertNumQueries(8):
            self.client.get(reverse("network:contact-list"))
        # session, user, contact, tags, points, interaction count, timeline + their contacts,
        # links, introduced, the possible duplicates as last computed (a cache read), the bell
        with self.assertNumQueries(12):
            self.client.get(contact.get_absolute_url())

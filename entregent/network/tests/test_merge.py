"""Merging two contacts into one, and undoing it.

The fixture gives the merged contact a row in every table that points at Contact, whatever app
added it: a relation a later app adds fails `test_the_fixture_covers_every_link_to_a_contact`
until this fixture (or the app's own merge test) gives it a row, and then has to move.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from entregent.accounts.models import User
from entregent.network.actions import (
    MergeError,
    contact_links,
    link_key,
    merge_contacts,
    unmerge,
)
from entregent.network.models import (
    Contact,
    ContactPhoto,
    ContactPoint,
    DuplicateDecision,
    Interaction,
    Merge,
    Relationship,
    SearchDocument,
    Tag,
)
from entregent.network.tests.factories import log_interaction, make_contact, make_tag
from entregent.test import BaseTestCase

PNG = b"\x89PNG\r\n\x1a\n" + b"merged-photo"


def fingerprint(*, leave_out: Collection[int] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as plain values: what an unmerge must give back exactly.

    ``leave_out`` holds ids of Merge rows to skip (the merge being undone gains its date).
    """
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        names = [f.attname for f in model._meta.concrete_fields]
        rows = model._base_manager.order_by("pk").values_list(*names)
        if model is Merge:
            rows = rows.exclude(pk__in=leave_out)
        tables[model._meta.label] = [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows
        ]
    return tables


def make_row(model: type[models.Model], given: dict[str, Any], owner: User) -> models.Model:
    """A row of any model, its required fields filled with plain values and its required
    foreign keys with rows made the same way (the owner for a user)."""
    values = dict(given)
    for field in model._meta.concrete_fields:
        if field.name in values or field.null or field.has_default() or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if isinstance(field, models.ForeignKey):
            target = field.related_model
            assert isinstance(target, type)
            values[field.name] = owner if target is User else make_row(target, {}, owner)
        elif field.choices:
            values[field.name] = next(iter(field.flatchoices))[0]
        else:
            values[field.name] = SAMPLES.get(field.get_internal_type(), "merge test")
    return model._base_manager.create(**values)


SAMPLES: dict[str, Any] = {
    "IntegerField": 1,
    "PositiveIntegerField": 1,
    "PositiveSmallIntegerField": 1,
    "PositiveBigIntegerField": 1,
    "SmallIntegerField": 1,
    "BigIntegerField": 1,
    "FloatField": 1.0,
    "DecimalField": 1,
    "BooleanField": False,
    "DateField": dt.date(2025, 1, 1),
    "DateTimeField": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    "TimeField": dt.time(12),
    "DurationField": dt.timedelta(0),
    "JSONField": {},
    "BinaryField": b"merge test",
    "UUIDField": uuid.uuid4(),
}


class MergeFixture(BaseTestCase):
    """Alice's network: Jean Dupont twice, with something in every table pointing at each."""

    kept: Contact
    merged: Contact
    other: Contact
    third: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        alice = cls.alice
        cls.other = make_contact(alice, "Other Person")
        cls.third = make_contact(alice, "Third Person")
        cls.kept = make_contact(
            alice,
            "Jean Dupont",
            given_name="Jean",
            family_name="Dupont",
            organisation="Acme",
            headline="Graphic designer",
            notes="Met at the fair.",
            tie_strength=3,
            connected_on=dt.date(2020, 5, 1),
        )
        cls.merged = make_contact(
            alice,
            "Jean Dupond",
            given_name="Jean",
            family_name="Dupond",
            organisation="Acme SA",
            job_title="Art director",
            location="Lyon",
            birthday_day=12,
            birthday_month=4,
            birthday_year=1980,
            notes="Likes jazz.",
            connected_on=dt.date(2018, 1, 9),
            met_story="A workshop in Lyon",
        )
        kept, merged = cls.kept, cls.merged
        # Points: the same email on both, and one each of their own.
        ContactPoint.objects.create(contact=kept, kind="email", raw="jean@acme.fr")
        ContactPoint.objects.create(contact=merged, kind="email", raw="jean@acme.fr")
        ContactPoint.objects.create(contact=merged, kind="phone", raw="06 12 34 56 78")
        # Tags: one shared (a duplicate row once moved), one of the merged contact's own.
        shared, own = make_tag(alice, "designers"), make_tag(alice, "lyon")
        kept.tags.add(shared)
        merged.tags.add(shared, own)
        # Interactions: one with both (a duplicate participant once moved), one of its own.
        log_interaction(alice, [kept, merged], dt.date(2025, 3, 1), "Lunch with both")
        log_interaction(alice, [merged, cls.other], dt.date(2025, 6, 1), "Coffee")
        # Relationships: with others, between the two (would join the contact to itself),
        # and one the kept contact already has.
        Relationship.objects.create(owner=alice, from_contact=merged, to_contact=cls.other)
        Relationship.objects.create(owner=alice, from_contact=kept, to_contact=cls.other)
        Relationship.objects.create(
            owner=alice, from_contact=cls.third, to_contact=merged, kind="works_with"
        )
        Relationship.objects.create(owner=alice, from_contact=merged, to_contact=kept)
        # Introductions: the merged contact introduced someone, and the kept one.
        Contact.objects.filter(pk__in=[cls.third.pk, kept.pk]).update(introduced_by=merged)
        kept.refresh_from_db()
        ContactPhoto.objects.create(contact=merged, data=PNG, content_type="image/png")
        # "Not the same person" decisions, with the merged contact on either side.
        later = make_contact(alice, "Jeanne Dupont")
        for other in (cls.other, later):
            first, second = sorted((merged.pk, other.pk))
            DuplicateDecision.objects.create(owner=alice, first_id=first, second_id=second)
        # An earlier merge into the merged contact.
        earlier = make_contact(alice, "J. Dupond")
        merge_contacts(alice, merged, earlier)
        merged.refresh_from_db()
        # Relations this fixture does not know (a later app's) get a row of their own.
        for link in contact_links():
            if not link.model._base_manager.filter(**{link.attname: merged.pk}).exists():
                make_row(link.model, {link.name: merged}, alice)

    def rows_pointing_at(self, contact_pk: int) -> dict[str, int]:
        return {
            link_key(link): link.model._base_manager.filter(**{link.attname: contact_pk})
            .exclude(**({"pk": contact_pk} if link.model is Contact else {}))
            .count()
            for link in contact_links()
        }


class MergeTests(MergeFixture):
    def test_the_fixture_covers_every_link_to_a_contact(self) -> None:
        keys = {link_key(link) for link in contact_links()}
        # Everything Django lists as related is among the links, and more: the hidden tables.
        for relation in Contact._meta.related_objects:
            through = getattr(relation, "through", None)
            field = through._meta.get_field("contact") if through else relation.field
            self.assertIn(f"{field.model._meta.label}.{field.name}", keys)
        self.assertIn("network.Contact_tags.contact", keys)
        self.assertIn("network.Interaction_contacts.contact", keys)
        for key, count in self.rows_pointing_at(self.merged.pk).items():
            with self.subTest(key):
                self.assertGreater(count, 0, f"give the merged contact a {key} row here")

    def test_every_row_pointing_at_the_merged_contact_moves_or_is_recorded(self) -> None:
        merged_pk = self.merged.pk

        merge = merge_contacts(self.alice, self.kept, self.merged)

        self.assertFalse(Contact.objects.filter(pk=merged_pk).exists())
        for key, count in self.rows_pointing_at(merged_pk).items():
            with self.subTest(key):
                self.assertEqual(count, 0)
        recorded = set(merge.snapshot["links"])
        self.assertEqual(recorded, {link_key(link) for link in contact_links()})

    def test_the_kept_contact_keeps_every_value_of_both(self) -> None:
        merge_contacts(self.alice, self.kept, self.merged, {"organisation": "merged"})

        kept = Contact.objects.get(pk=self.kept.pk)
        # Chosen, or taken where the kept contact had nothing.
        self.assertEqual(kept.display_name, "Jean Dupont")
        self.assertEqual(kept.organisation, "Acme SA")
        self.assertEqual(kept.headline, "Graphic designer")
        self.assertEqual(kept.job_title, "Art director")
        self.assertEqual(kept.location, "Lyon")
        self.assertEqual(
            (kept.birthday_day, kept.birthday_month, kept.birthday_year), (12, 4, 1980)
        )
        self.assertEqual(kept.met_story, "A workshop in Lyon")
        self.assertEqual(kept.tie_strength, 3)
        # Put together.
        self.assertEqual(kept.notes, "Met at the fair.\n\nLikes jazz.")
        self.assertEqual(kept.connected_on, dt.date(2018, 1, 9))
        self.assertEqual(
            sorted(kept.points.values_list("kind", "raw")),
            [("email", "jean@acme.fr"), ("email", "jean@acme.fr"), ("phone", "06 12 34 56 78")],
        )
        self.assertEqual(sorted(kept.tags.values_list("name", flat=True)), ["designers", "lyon"])
        self.assertEqual(
            sorted(kept.interactions.values_list("summary", flat=True)),
            ["Coffee", "Lunch with both"],
        )
        self.assertEqual(kept.last_interaction_on, dt.date(2025, 6, 1))
        self.assertEqual(bytes(ContactPhoto.objects.get(contact=kept).data), PNG)
        # The kept contact was introduced by the merged one: no longer by itself.
        self.assertIsNone(kept.introduced_by_id)
        self.assertEqual(Contact.objects.get(pk=self.third.pk).introduced_by_id, kept.pk)
        links = Relationship.objects.filter(owner=self.alice)
        self.assertEqual(
            sorted(links.values_list("from_contact", "to_contact", "kind")),
            sorted(
                [
                    (kept.pk, self.other.pk, "knows"),
                    (self.third.pk, kept.pk, "works_with"),
                ]
            ),
        )
        self.assertEqual(SearchDocument.objects.filter(contact=kept).count(), 1)
        self.assertIn("jazz", SearchDocument.objects.get(contact=kept).extra)

    def test_the_kept_contacts_photo_stays_when_both_have_one(self) -> None:
        ContactPhoto.objects.create(contact=self.kept, data=b"GIF8kept", content_type="image/gif")

        merge = merge_contacts(self.alice, self.kept, self.merged)

        photo = ContactPhoto.objects.get(contact=self.kept)
        self.assertEqual(bytes(photo.data), b"GIF8kept")
        self.assertEqual(
            merge.snapshot["links"]["network.ContactPhoto.contact"]["dropped"], [self.merged.pk]
        )

    def test_a_merge_writes_down_what_it_did(self) -> None:
        merge = merge_contacts(self.alice, self.kept, self.merged)

        self.assertEqual(merge.owner, self.alice)
        self.assertEqual(merge.kept, self.kept)
        self.assertEqual(merge.merged_name, "Jean Dupond")
        self.assertEqual(merge.snapshot["contact"]["pk"], self.merged.pk)
        self.assertEqual(merge.snapshot["contact"]["fields"]["job_title"], "Art director")
        self.assertEqual(merge.kept_before["organisation"], "Acme")
        tags = merge.snapshot["links"]["network.Contact_tags.contact"]
        self.assertEqual((len(tags["moved"]), len(tags["dropped"])), (1, 1))
        relationships = merge.snapshot["links"]["network.Relationship.from_contact"]
        # merged -> other duplicates kept -> other; merged -> kept would be kept -> kept.
        self.assertEqual(len(relationships["dropped"]), 2)

    def test_not_the_same_person_as_the_merged_contact_stays_true_of_the_kept_one(self) -> None:
        kept = make_contact(self.alice, "Paul Roy")
        between = make_contact(self.alice, "Paula Roy")
        merged = make_contact(self.alice, "P. Roy")
        # Moved to the kept contact, this pair would be out of order (first < second).
        DuplicateDecision.objects.create(owner=self.alice, first=between, second=merged)

        merge = merge_contacts(self.alice, kept, merged)

        self.assertTrue(DuplicateDecision.objects.filter(first=kept, second=between).exists())
        unmerge(merge)
        self.assertFalse(DuplicateDecision.objects.filter(first=kept, second=between).exists())
        self.assertTrue(DuplicateDecision.objects.filter(first=between, second=merged).exists())

    def test_a_contact_cannot_be_merged_with_itself(self) -> None:
        with self.assertRaises(MergeError):
            merge_contacts(self.alice, self.kept, self.kept)

    def test_contacts_of_two_members_cannot_be_merged(self) -> None:
        bobs = make_contact(self.bob, "Jean Dupont")

        with self.assertRaises(MergeError):
            merge_contacts(self.alice, self.kept, bobs)
        with self.assertRaises(MergeError):
            merge_contacts(self.bob, bobs, self.kept)
        self.assertTrue(Contact.objects.filter(pk=self.kept.pk).exists())

    def test_a_binned_contact_cannot_be_merged(self) -> None:
        Contact.objects.filter(pk=self.merged.pk).update(deleted_at=timezone.now())

        with self.assertRaises(MergeError):
            merge_contacts(self.alice, self.kept, self.merged)

    def test_unknown_choices_are_refused(self) -> None:
        with self.assertRaises(ValueError):
            merge_contacts(self.alice, self.kept, self.merged, {"password": "merged"})


class UnmergeTests(MergeFixture):
    def test_unmerge_gives_back_every_table_exactly(self) -> None:
        before = fingerprint()

        merge = merge_contacts(self.alice, self.kept, self.merged, {"name": "merged"})
        self.assertNotEqual(fingerprint(leave_out={merge.pk}), before)
        result = unmerge(merge)

        self.assertEqual(result.not_restored, [])
        self.assertEqual(result.contact.pk, self.merged.pk)
        after = fingerprint(leave_out={merge.pk})
        for table, rows in before.items():
            with self.subTest(table):
                self.assertEqual(after[table], rows)
        merge.refresh_from_db()
        self.assertIsNotNone(merge.undone_at)

    def test_an_unmerge_keeps_what_changed_since_and_says_so(self) -> None:
        merge = merge_contacts(self.alice, self.kept, self.merged)
        kept = Contact.objects.get(pk=self.kept.pk)
        kept.headline = "Illustrator"  # the merge did not change it: simply kept
        kept.job_title = "Creative director"  # the merge filled it: edited since, kept, said
        kept.save()
        Interaction.objects.get(summary="Coffee").delete()
        new = log_interaction(self.alice, [kept], dt.date(2026, 1, 5), "After the merge")

        result = unmerge(merge)

        kept.refresh_from_db()
        self.assertEqual(kept.headline, "Illustrator")
        self.assertEqual(kept.job_title, "Creative director")
        # Fields the merge filled and nobody touched since go back.
        self.assertEqual(kept.location, "")
        self.assertEqual(kept.notes, "Met at the fair.")
        self.assertEqual(list(new.contacts.all()), [kept])
        merged = result.contact
        self.assertEqual(merged.job_title, "Art director")
        self.assertEqual(
            list(merged.interactions.values_list("summary", flat=True)), ["Lunch with both"]
        )
        self.assertIn("Job title was changed since the merge", result.not_restored[0])
        self.assertIn("Interactions: 1 deleted since the merge", result.not_restored[1])
        # Anything else said is about rows other apps derived from that interaction (the
        # outcomes goals recorded for it), gone with it.
        self.assertEqual(
            result.not_restored[2:], ["Outcomes: 1 deleted since the merge, so not given back."]
        )

    def test_an_unmerge_cannot_run_twice(self) -> None:
        merge = merge_contacts(self.alice, self.kept, self.merged)
        unmerge(merge)

        with self.assertRaises(MergeError):
            unmerge(merge)

    def test_an_earlier_merge_waits_for_the_later_one_to_be_undone(self) -> None:
        earlier = Merge.objects.get(kept=self.merged)
        later = merge_contacts(self.alice, self.kept, self.merged)

        with self.assertRaises(MergeError):
            unmerge(earlier)
        unmerge(later)
        result = unmerge(earlier)

        self.assertEqual(result.contact.display_name, "J. Dupond")
        self.assertEqual(result.not_restored, [])

    def test_a_tag_deleted_since_is_reported(self) -> None:
        merge = merge_contacts(self.alice, self.kept, self.merged)
        # "designers" was on both: the merged contact's row was dropped, kept in the snapshot.
        Tag.objects.get(owner=self.alice, name="designers").delete()

        result = unmerge(merge)

        self.assertEqual(list(result.contact.tags.values_list("name", flat=True)), ["lyon"])
        self.assertTrue(any("Tags" in line for line in result.not_restored), result.not_restored)

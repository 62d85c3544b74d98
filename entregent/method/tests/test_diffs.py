"""The word diff behind the page that compares two versions: pure functions."""

from __future__ import annotations

from django.test import SimpleTestCase

from entregent.method.diffs import Segment, compare, word_diff


class WordDiffTests(SimpleTestCase):
    def test_only_the_changed_word_is_marked_on_each_side(self) -> None:
        old, new = word_diff("Appelez trois amis.", "Appelez cinq amis.")
        self.assertEqual(
            old, [Segment("Appelez ", False), Segment("trois", True), Segment(" amis.", False)]
        )
        self.assertEqual(
            new, [Segment("Appelez ", False), Segment("cinq", True), Segment(" amis.", False)]
        )

    def test_a_changed_comma_marks_the_comma_not_the_word(self) -> None:
        _old, new = word_diff(
            "Listez les personnes puis notez", "Listez les personnes, puis notez"
        )
        self.assertEqual([s.text for s in new if s.changed], [","])

    def test_identical_texts_have_nothing_marked(self) -> None:
        field = compare("Titre", "Faire l'inventaire", "Faire l'inventaire")
        self.assertFalse(field.changed)
        self.assertEqual(field.old, [Segment("Faire l'inventaire", False)])

    def test_a_text_added_from_nothing_is_all_new(self) -> None:
        old, new = word_diff("", "Classer en trois cercles")
        self.assertEqual(old, [])
        self.assertEqual(new, [Segment("Classer en trois cercles", True)])

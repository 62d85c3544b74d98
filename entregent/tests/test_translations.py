"""The French catalogue is complete, sound and compiled; pages render in French; templates
leave no English sentence outside the translation tags.

The catalogue is ``locale/fr/LC_MESSAGES/django.po``; ``make messages`` regenerates it and
its compiled form ``django.mo``, both committed so that set-up never needs GNU gettext.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.conf import settings
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from entregent.network.models import Contact
from entregent.network.tests.factories import log_interaction, make_contact, make_tag
from entregent.test import BaseTestCase

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
# French quotation marks, with the non-breaking spaces French typography puts inside them.
LQ, RQ = "«\u00a0", "\u00a0»"

# Python format placeholders: %(name)s, %s, %d, %5.2f...; "%%" is a literal percent sign.
_PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
# Markup carried inside a message: its tags must survive translation untouched.
_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")


def _placeholders(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for match in _PLACEHOLDER.finditer(text):
        if match.group() != "%%":
            found[match.group()] += 1
    return found


def _entry_label(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{context}{entry.msgid!r} ({where})"


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs to compare: one per plural form."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    # French: form 0 is for 0 and 1 (the msgid), form 1 for more (the msgid_plural).
    return [
        (entry.msgid if index == 0 else entry.msgid_plural, form)
        for index, form in enumerate(forms)
    ]


class CatalogueTests(SimpleTestCase):
    po: polib.POFile
    entries: list[polib.POEntry]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.po = polib.pofile(str(PO_PATH))
        cls.entries = [entry for entry in cls.po if not entry.obsolete]

    def test_the_catalogue_has_entries(self) -> None:
        self.assertGreater(len(self.entries), 100)
        self.assertEqual(self.po.metadata.get("Language"), "fr")
        self.assertIn("plural=(n > 1)", self.po.metadata.get("Plural-Forms", ""))

    def test_every_entry_is_translated(self) -> None:
        missing = [
            _entry_label(entry)
            for entry in self.entries
            if any(not translated.strip() for _, translated in _pairs(entry))
            or (entry.msgid_plural and len(entry.msgstr_plural) != 2)
        ]
        self.assertEqual(
            missing, [], "Entries without a French translation:\n" + "\n".join(missing)
        )

    def test_no_entry_is_fuzzy(self) -> None:
        fuzzy = [_entry_label(entry) for entry in self.entries if "fuzzy" in entry.flags]
        self.assertEqual(
            fuzzy, [], "Fuzzy entries (check them, then drop the flag):\n" + "\n".join(fuzzy)
        )

    def test_placeholders_survive_translation(self) -> None:
        wrong = []
        for entry in self.entries:
            for source, translated in _pairs(entry):
                if not translated:
                    continue
                expected, got = _placeholders(source), _placeholders(translated)
                if entry.msgid_plural and source == entry.msgid:
                    # The singular form may spell the count out ("tous les mois").
                    extra = got - _placeholders(entry.msgid_plural) - expected
                    if extra:
                        wrong.append(f"{_entry_label(entry)}: unknown {sorted(extra)}")
                    continue
                if expected != got:
                    wrong.append(f"{_entry_label(entry)}: {sorted(expected)} became {sorted(got)}")
        self.assertEqual(wrong, [], "Placeholders changed:\n" + "\n".join(wrong))

    def test_markup_survives_translation(self) -> None:
        wrong = [
            _entry_label(entry)
            for entry in self.entries
            for source, translated in _pairs(entry)
            if translated
            and Counter(_MARKUP.findall(source)) != Counter(_MARKUP.findall(translated))
        ]
        self.assertEqual(wrong, [], "HTML tags changed in translation:\n" + "\n".join(wrong))

    def test_python_format_flags_match_the_source(self) -> None:
        # A translation that adds a "%" to a message without placeholders would break it.
        wrong = [
            _entry_label(entry)
            for entry in self.entries
            if "python-format" not in entry.flags
            and any(_placeholders(translated) for _, translated in _pairs(entry))
        ]
        self.assertEqual(
            wrong, [], "Placeholders in messages that are not formatted:\n" + "\n".join(wrong)
        )

    def test_the_compiled_catalogue_matches_the_source(self) -> None:
        def key(entry: polib._BaseEntry) -> tuple[str | None, str]:
            return (entry.msgctxt, entry.msgid)

        def value(entry: polib._BaseEntry) -> str | tuple[str, ...]:
            if entry.msgid_plural:
                return tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
            return entry.msgstr

        expected = {
            key(entry): value(entry)
            for entry in self.entries
            if entry.msgid and "fuzzy" not in entry.flags and entry.translated()
        }
        compiled = {
            key(entry): value(entry) for entry in polib.mofile(str(MO_PATH)) if entry.msgid
        }
        stale = sorted(
            repr(msgid)
            for (context, msgid), text in expected.items()
            if compiled.get((context, msgid)) != text
        )
        extra = sorted(
            repr(msgid) for context, msgid in compiled if (context, msgid) not in expected
        )
        self.assertEqual(
            (stale, extra),
            ([], []),
            "django.mo is out of date: run `make messages` (or compilemessages) and commit it.",
        )

    def test_french_is_active_with_the_catalogue(self) -> None:
        with translation.override("fr"):
            # Through a variable, so that makemessages does not list this file as a source.
            for english, french in (
                ("My network", "Mon réseau"),
                ("Tie strength", "Force du lien"),
            ):
                self.assertEqual(translation.gettext(english), french)


class FrenchPagesTests(BaseTestCase):
    ada: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.alice.language = "fr"
        cls.alice.save(update_fields=["language"])
        cls.ada = make_contact(
            cls.alice,
            "Ada Lovelace",
            headline="graphiste pour les petites marques",
            organisation="Atelier Lovelace",
            tie_strength=4,
            trust_rating=5,
        )
        cls.ada.tags.add(make_tag(cls.alice, "clients"))
        log_interaction(cls.alice, [cls.ada], dt.date(2024, 3, 5), summary="Café à Lyon")

    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def get_french(self, url: str, *texts: str) -> str:
        """The page at url, in French, with every one of these texts in it."""
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Language"], "fr")
        html = response.content.decode()
        self.assertIn('<html lang="fr">', html)
        missing = [text for text in texts if text not in html]
        self.assertEqual(missing, [], f"Missing from {url} in French")
        return html

    def test_the_network_list_is_in_french(self) -> None:
        html = self.get_french(
            reverse("network:contact-list"),
            "<title>Mon réseau · entregent</title>",
            "<h1>Mon réseau</h1>",
            "Ajouter un contact",
            "Noter un échange",
            "Étiquettes",
            "Corbeille",
            "Force du lien",
            "Dernier échange",
            "Filtrer",
            "1 contact</p>",
        )
        self.assertNotIn("My network", html)

    def test_the_search_page_is_in_french(self) -> None:
        self.get_french(
            reverse("network:search") + "?q=graphiste",
            f"<title>{LQ}graphiste{RQ} dans mon réseau · entregent</title>",
            "<h1>Interroger mon réseau</h1>",
            "1 contact correspond",
            "<dt>Activité</dt>",
            "Ada Lovelace",
        )

    def test_the_contact_page_is_in_french(self) -> None:
        self.get_french(
            self.ada.get_absolute_url(),
            "Force du lien",
            "4 sur 5",
            "Confiance",
            "Notre rencontre",
            "Historique",
            "Noter un échange",
            "Café à Lyon",
        )

    def test_the_contact_form_is_in_french(self) -> None:
        self.get_french(
            reverse("network:contact-create"),
            "<h1>Ajouter un contact</h1>",
            "<legend>Identité</legend>",
            "<legend>Coordonnées</legend>",
            "Prénom",
            "Garder le contact",
            "Selon ses étiquettes ou la force du lien",
            "Ajouter le contact</button>",
        )

    def test_the_profile_page_is_in_french(self) -> None:
        self.get_french(
            reverse("accounts:profile"),
            "<h1>Profil</h1>",
            "Connexion et sécurité",
            "Vos données",
            "Exporter mes données",
            "Fuseau horaire",
        )

    def test_the_export_and_erase_pages_are_in_french(self) -> None:
        self.get_french(
            reverse("accounts:export"),
            "<td>Votre compte et ses paramètres</td>",
            "mot de passe, lien secret de l’agenda",
            "<td>Échanges</td>",
        )
        self.get_french(reverse("accounts:erase"), "Contacts\u00a0: 1", "Échanges\u00a0: 1")

    def test_the_not_found_page_is_in_french(self) -> None:
        response = self.client.get(reverse("network:contact-detail", args=[self.ada.pk + 1000]))

        self.assertContains(response, "<h1>Page introuvable</h1>", status_code=404)

    def test_the_dashboard_is_in_french(self) -> None:
        self.get_french(reverse("home"), "Bonjour Alice", "contacts actifs", "endormis")

    def test_messages_after_an_action_are_in_french(self) -> None:
        response = self.client.post(
            reverse("network:contact-quick-add"), {"display_name": "Grace Hopper"}, follow=True
        )

        self.assertContains(response, "Grace Hopper fait désormais partie de votre réseau.")


_GETTEXT_ALIAS = re.compile(
    r"\b(?:n?p?gettext(?:_lazy)?|gettext_noop)\s+as\s+(?P<alias>\w+)", re.MULTILINE
)


class PythonSourceTests(SimpleTestCase):
    def test_gettext_is_only_aliased_as_underscore(self) -> None:
        # makemessages (xgettext) only knows "_" and the functions' own names: a string passed
        # to any other alias never reaches the catalogue and stays in English.
        hidden = [
            f"{path.relative_to(settings.BASE_DIR)}: as {match['alias']}"
            for path in sorted((Path(settings.BASE_DIR) / "entregent").rglob("*.py"))
            for match in _GETTEXT_ALIAS.finditer(path.read_text(encoding="utf-8"))
            if match["alias"] != "_"
        ]
        self.assertEqual(hidden, [], "gettext under a name makemessages does not extract")


# --- Templates: no English sentence outside the translation tags ------------------------------

# Pages that must render when translation itself may be broken (a server error): they carry
# English and French side by side, the French part marked with lang="fr".
BILINGUAL_TEMPLATES = {"500.html"}
# Whole template constructs whose text is translated or never shown.
_SKIPPED_BLOCKS = re.compile(
    r"{%-?\s*comment\b.*?%}.*?{%-?\s*endcomment\s*-?%}"
    r"|{%-?\s*(?:blocktranslate|blocktrans)\b.*?{%-?\s*(?:endblocktranslate|endblocktrans)\s*-?%}"
    r"|{#.*?#}",
    re.DOTALL,
)
# Tags and variables: their text is code, not prose.
_TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)
# Attributes a person reads or hears.
_TEXT_ATTRIBUTES = {
    "placeholder",
    "title",
    "alt",
    "aria-label",
    "aria-description",
    "aria-roledescription",
}
_WORD = re.compile(r"[^\W\d_]{2,}")
# Words that are the same in every language.
_UNTRANSLATED_WORDS = {"entregent"}


def _blank(match: re.Match[str]) -> str:
    """The same length of spaces, newlines kept, so that line numbers still hold."""
    return re.sub(r"[^\n]", " ", match.group())


class _TextFinder(HTMLParser):
    """Collects (line, text) for each text node and each readable attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden_depth += 1
        attributes = dict(attrs)
        readable = set(_TEXT_ATTRIBUTES)
        if tag == "input" and (attributes.get("type") or "").strip() in (
            "submit",
            "button",
            "reset",
        ):
            readable.add("value")
        for name, text in attrs:
            if name in readable and text:
                self.found.append((self.getpos()[0], text))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._hidden_depth or not data.strip():
            return
        line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self.found.append((line, data.strip()))


def untranslated_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of every piece of prose in a template left outside the translation tags."""
    code_free = _TEMPLATE_CODE.sub(_blank, _SKIPPED_BLOCKS.sub(_blank, source))
    finder = _TextFinder()
    finder.feed(code_free)
    finder.close()
    suspects = []
    for line, text in finder.found:
        words = {word.lower() for word in _WORD.findall(text)} - _UNTRANSLATED_WORDS
        if words:
            suspects.append((line, " ".join(text.split())))
    return suspects


class TemplateTextTests(SimpleTestCase):
    def test_the_scan_finds_english_outside_the_tags(self) -> None:
        source = (
            '{% load i18n %}<h1>{% translate "Hello" %}</h1>\n'
            "{% comment %}Notes for developers{% endcomment %}\n"
            "<p>{% blocktranslate %}Hi {{ name }}{% endblocktranslate %} · entregent</p>\n"
            '<p>Forgotten sentence</p><input placeholder="Your name">\n'
            "<script>var label = 'code';</script>{{ user.name }} {% if a > b %}—{% endif %}\n"
        )

        self.assertEqual(untranslated_text(source), [(4, "Forgotten sentence"), (4, "Your name")])

    def test_every_template_keeps_its_text_in_translation_tags(self) -> None:
        templates = sorted(
            path
            for path in TEMPLATES_DIR.rglob("*")
            if path.suffix in (".html", ".txt") and path.name not in BILINGUAL_TEMPLATES
        )
        self.assertTrue(templates)
        suspects = [
            f"{path.relative_to(settings.BASE_DIR)}:{line}: {text}"
            for path in templates
            for line, text in untranslated_text(path.read_text(encoding="utf-8"))
        ]
        self.assertEqual(
            suspects,
            [],
            "Text outside {% translate %} / {% blocktranslate %}:\n" + "\n".join(suspects),
        )

    def test_templates_rendered_without_translation_carry_both_languages(self) -> None:
        for name in BILINGUAL_TEMPLATES:
            with self.subTest(name):
                source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
                self.assertNotIn("{% load i18n", source)
                self.assertIn('lang="fr"', source)

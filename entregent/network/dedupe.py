"""Duplicate contacts, found without the database: records in, scored candidate pairs out.

The same person arrives from LinkedIn, a phone's vCards, Google and Outlook, spelt a little
differently each time. `find_candidates()` takes one member's records and returns the pairs
that probably are one person, best first, each with the reasons a review page can show.

Two stages, as in every record-linkage system:

* **Blocking.** Comparing every pair is O(n²): 5 billion pairs at 100,000 contacts. Each
  record instead gets a handful of cheap keys (a phonetic code of one name with the initial of
  the other, a name with the birthday, the postcode, the city or the organisation, postcode
  and street number, email and its local part, phone suffix, LinkedIn profile) and only
  records sharing a key are compared. A key shared by too many records (every "Martin J." in
  Paris) is not compared all-to-all: its records are sorted by name and only neighbours are
  paired.
* **Scoring.** A Fellegi-Sunter model: each field comparison adds log2(m/u) bits, where m is
  how often two records of the same person show that outcome and u how often two different
  people do. m and u are set by reasoning about contact data (people change jobs and move,
  rarely change birthday), not fitted on a benchmark; u for an exact name, postcode, city or
  organisation is the value's frequency in the member's own list, so a shared "Martin" counts
  for little in a list of Martins. A missing field adds nothing: LinkedIn gives no birthday,
  a phone no organisation. The bits plus a prior that depends on the list's size are turned
  into a probability; a pair that cannot reach the threshold whatever its remaining fields
  say is dropped before they are compared.

Same email, same phone or same LinkedIn profile is decisive (`EXACT`, score 1.0) and merges
on import, unless the given names clearly disagree: a shared landline or family mailbox
(Pierre and Sophie Martin) is then only strong evidence, for a member to review.

bench/dedupe.py measures this on FEBRL 1-4 and 100,000 synthetic contacts.
"""

from __future__ import annotations

import gc
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler

from entregent.lib.text import fold

Birthday = tuple[int | None, int | None, int | None]  # (year, month, day), each may be unknown


@dataclass(frozen=True, slots=True)
class Record:
    """One contact as the duplicate finder sees it; every field but `id` may be empty."""

    id: int
    given_name: str = ""
    family_name: str = ""
    display_name: str = ""  # used when the name is not split ("Jean Dupont", "DUPONT Jean")
    organisation: str = ""
    emails: tuple[str, ...] = ()  # lower-cased
    phones: tuple[str, ...] = ()  # E.164 where possible
    linkedin: tuple[str, ...] = ()  # canonical profile URLs
    address: str = ""  # street, postcode, city, state in one string
    postcode: str = ""
    city: str = ""
    birthday: Birthday | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    a: int  # the smaller Record.id
    b: int
    score: float  # 0..1, the probability that a and b are one person; 1.0 only for EXACT
    reasons: tuple[str, ...]  # reason codes, strongest first (see REASONS)


# Reason codes, for the review page to translate.
REASONS = (
    "same-email",
    "same-phone",
    "same-linkedin",
    "same-name",
    "similar-name",
    "transposed-name",
    "nickname",
    "initial",
    "same-organisation",
    "same-birthday",
    "similar-birthday",
    "same-address",
    "same-locality",  # same postcode or city, the street unknown or different
    "similar-email",  # same local part elsewhere, or jdupont@ beside jean.dupont@
)
# Decisive keys: a pair sharing one scores 1.0 and is merged on import without review.
EXACT = frozenset(("same-email", "same-phone", "same-linkedin"))

# The prior: the odds that two records of a list, taken at random, are one person. Imports
# from several sources bring most people two or three times: about DUPLICATES_PER_RECORD true
# pairs per record, so odds of 2 * DUPLICATES_PER_RECORD / (n - 1) for a list of n. Lists
# shorter than _PRIOR_MIN_LIST are taken as that long: in a list of five, not everything is a
# duplicate. That is 2^-11 for a few thousand contacts: a full name alone (given + family,
# some 17 bits when both are rare) then reaches the review threshold, a shared family name
# alone (at most 10 bits) does not; in a list of 100,000, evidence must be 2^-16.6 strong.
DUPLICATES_PER_RECORD = 0.5
_PRIOR_MIN_LIST = 2000
# Pairs at or above go to the member's review page ("predicted match" in bench/dedupe.py).
# Chosen on FEBRL1 and FEBRL2; FEBRL3 and FEBRL4 are held out.
REVIEW_THRESHOLD = 0.5
# A fuzzy score never reaches 1.0, which is kept for EXACT keys.
FUZZY_CEILING = 0.999

# Blocking: keys shared by more records than this are not compared all-to-all; their records
# are sorted by name and each is paired with its next WINDOW - 1 neighbours.
MAX_BLOCK = 24
WINDOW = 6

# A word in more than this share of the list's addresses is not part of a street's name.
_COMMON_STREET_WORD = 0.02

# Frequency-based u: a value's share of the other records, counted as if the list had at least
# this many contacts, so a list of five does not make every name "common".
_TF_MIN_LIST = 1000


# Names ---------------------------------------------------------------------------------------

# Names that refer to one person: nicknames beside the full names, and spellings of one name
# across French and English. A nickname of several names (Chris, Flo) is on several lines:
# two names match when they share a line, so Chris meets Christophe and Christine, but
# Christophe does not meet Christine.
_NICKNAMES = """
robert bob bobby rob robbie bert
william bill billy will willy liam
katherine catherine kathryn katharine kathleen kate katie kathy cathy cath kat
michael michel mickael mikael mike mikey mick mickey
james jim jimmy jamie
elizabeth elisabeth liz lizzie lizzy beth betty libby eliza babette
david dave davy
thomas tom tommy thom
alexandre alexander alex sacha sasha xander
alexandra alexandrine alex sacha sasha sandra
frederic frederick fred freddy freddie
frederique fred
nicolas nicholas nico nick nicky colas
emmanuel manu
emmanuelle manue manu
sebastien sebastian seb
stephane stephen steven steve steph stef
stephanie steph stef fanny
maxime maximilien maxence max
christophe christopher chris kit
christian chris
christine christina chris kris tina
beatrice bea
dominique domi dom
florence flo
florian flo
joseph jo joe jojo jose
josephine jo jojo josie
johanna jo jojo
georges george jojo
jacqueline jacky jackie
jacques jack jacky
isabelle isabel isabella isa izzy
valerie val
veronique vero
caroline caro carol
philippe philip phillip phil
patrick pat
patricia pat patty tricia
benjamin ben benji
anthony antony antoine tony
margaret maggie meg peggy marge
richard rick ricky dick rich
charles charlie chuck
charlotte charlie lotte
edward ed eddie ted
daniel dan danny dany
danielle dany
samuel sam sammy
samantha sam
matthew mathieu matthieu matt mat
jonathan jon jonny
jennifer jen jenny
rebecca becky becca
susan suzanne susanne sue suzy
victoria vicky vic
andrew andre andy drew
gregory gregoire greg
jeffrey geoffrey jeff geoff
kenneth ken kenny
laurent lawrence larry
laurence lawrence laurie
timothy tim timmy
vincent vince vinz
zachary zach zack
nathalie natalie nath nat
nathaniel nathan nat nate
gabriel gaby gabi
gabrielle gaby gabi
jean-baptiste jb
jean-christophe jc
jean-philippe jp
jean-pierre jp
"""


def _nickname_groups() -> dict[str, frozenset[int]]:
    groups: dict[str, set[int]] = defaultdict(set)
    for number, line in enumerate(_NICKNAMES.strip().splitlines()):
        for name in line.split():
            groups[name.replace("-", "")].add(number)
    return {name: frozenset(lines) for name, lines in groups.items()}


NICKNAMES = _nickname_groups()

# Particles and legal forms that say nothing about who someone is.
_PARTICLES = frozenset("de du des la le l d van von der den di da dos del ben bin al el".split())
_LEGAL_FORMS = frozenset(
    (
        "sa sas sasu sarl eurl sci scop snc gie inc incorporated ltd limited llc llp plc gmbh ag "
        "bv nv spa srl corp corporation co company cie group groupe holding the"
    ).split()
)
# Street types: two addresses sharing only "rue de la" are not one address.
_STREET_WORDS = frozenset(
    (
        "rue avenue av ave boulevard bd blvd chemin ch impasse imp allee place pl route rte quai "
        "cours square sq passage voie lieu dit residence batiment bat appartement appt apt etage "
        "bis ter quater "
        "street st road rd lane ln drive dr court ct crescent cres circuit cct way close cove "
        "terrace tce parade pde highway hwy grove gr unit flat floor suite"
    ).split()
)
_GENERIC_LOCAL_PARTS = frozenset(
    (
        "contact info information hello hi bonjour admin office support sales team mail email "
        "noreply no-reply accueil secretariat direction rh hr jobs job recrutement compta "
        "comptabilite facturation billing invoice invoices service commercial marketing press "
        "presse webmaster postmaster enquiries inquiries"
    ).split()
)
_VOWELS = frozenset("aeiouy")
# Words of any script, so that a name in Cyrillic or Greek is still a name.
_WORD = re.compile(r"[^\W_]+")
_LOCAL_SPLIT = re.compile(r"[._\-]+")


def _fold(text: str) -> str:
    # Most names and addresses are plain ASCII, for which folding is lower-casing; this is
    # the hot path of preparing 100,000 records.
    return text.lower() if text.isascii() else fold(text)


def _tokens(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnraeiouyhw", "11112222222233455600000000")


@lru_cache(maxsize=200_000)
def soundex(word: str) -> str:
    """American Soundex of a folded word: "dupont" -> "d153"; typos that keep the sounds meet."""
    letters = "".join(c for c in word if "a" <= c <= "z")
    if not letters:
        return word[:4]  # another script: its first letters, as good a key as any
    codes = letters.translate(_SOUNDEX)
    out = [letters[0]]
    previous = codes[0]
    for letter, code in zip(letters[1:], codes[1:], strict=True):
        if code != "0" and code != previous:
            out.append(code)
        # h and w do not separate two equal codes; vowels do.
        if letter not in "hw":
            previous = code
    return "".join(out)[:4].ljust(4, "0")


# Comparison outcomes, best first.
_EXACT, _NICK, _INITIAL, _PARTIAL, _TYPO, _CLOSE, _DIFF, _MISSING = range(8)


class _Name:
    """A given or family name, folded and digested once; equal names share one instance."""

    __slots__ = ("first", "index", "initials", "is_initial", "joined", "nick", "tokens")

    def __init__(self, tokens: tuple[str, ...], index: int) -> None:
        self.tokens = tokens
        self.index = index  # its number in the list's name table, for comparison caches
        self.joined = "".join(tokens)  # "jeanpierre" for "Jean-Pierre"
        self.first = tokens[0]
        self.is_initial = all(len(t) == 1 for t in tokens) or (
            len(tokens) == 1 and len(self.joined) == 2 and not (set(self.joined) & _VOWELS)
        )  # "J.", "J. P.", "JP"
        self.initials = self.joined if self.is_initial else "".join(t[0] for t in tokens)
        self.nick = NICKNAMES.get(self.joined, frozenset()) | NICKNAMES.get(
            self.first, frozenset()
        )


class _NameTable:
    def __init__(self) -> None:
        self.names: dict[tuple[str, ...], _Name] = {}

    def get(self, tokens: list[str]) -> _Name | None:
        if not tokens:
            return None
        key = tuple(tokens)
        name = self.names.get(key)
        if name is None:
            name = self.names[key] = _Name(key, len(self.names))
        return name


def _similar(x: str, y: str) -> int:
    """_TYPO, _CLOSE or _DIFF for two different strings."""
    shorter = min(len(x), len(y))
    if shorter >= 4:
        # One edit (two in a long name), a transposition counting as one.
        distance = OSA.distance(x, y, score_cutoff=2)
        if distance <= 1 or (distance == 2 and shorter >= 7):
            return _TYPO
    jw = JaroWinkler.normalized_similarity(x, y)
    if jw >= 0.92:
        return _TYPO
    return _CLOSE if jw >= 0.85 else _DIFF


def _same_street_name(x: str, y: str) -> bool:
    if x == y:
        return True
    if min(len(x), len(y)) >= 4 and (x.startswith(y) or y.startswith(x)):
        return True  # "pridhamstreet" and "pridham"
    return _similar(x, y) == _TYPO


def _street_words_match(x: list[str], y: list[str]) -> bool:
    """Whether each word of the shorter street has a near twin in the other: one address may
    say more (a building, a district), and either may be misspelt. Both must start alike
    (the street's name), unless one is a single word: "Paix, Paris" is not "Pompe, Paris"."""
    shorter, longer = (x, y) if len(x) <= len(y) else (y, x)
    if len(shorter) > 1 and not _same_street_name(x[0], y[0]):
        return False
    total = 0.0
    for word in shorter:
        total += max(JaroWinkler.normalized_similarity(word, other) for other in longer)
    return total >= 0.9 * len(shorter)


def _compare_given(x: _Name, y: _Name) -> int:
    if x.is_initial or y.is_initial:
        shorter, longer = sorted((x.initials, y.initials), key=len)
        return _INITIAL if longer.startswith(shorter) else _DIFF
    if x.joined == y.joined or x.first == y.first:
        return _EXACT  # "Jean" and "Jean Paul": a middle name on one side only
    if x.nick & y.nick:
        return _NICK
    level = _similar(x.joined, y.joined)
    if level != _TYPO and (len(x.tokens) > 1 or len(y.tokens) > 1):
        level = min(level, _similar(x.first, y.first))
    return level


def _compare_family(x: _Name, y: _Name) -> int:
    if x.joined == y.joined:
        return _EXACT
    if x.is_initial or y.is_initial:
        return _INITIAL if x.joined[0] == y.joined[0] else _DIFF
    if len(x.tokens) > 1 or len(y.tokens) > 1:
        xs = {t for t in x.tokens if t not in _PARTICLES}
        ys = {t for t in y.tokens if t not in _PARTICLES}
        if xs and ys and (xs <= ys or ys <= xs):
            return _PARTIAL  # "Garcia" and "Garcia Lopez", "Fontaine" and "de la Fontaine"
    return _similar(x.joined, y.joined)


# Weights in bits, log2(m/u), for each outcome. Comments give m and u.
_W_GIVEN = {
    # _EXACT: m 0.86, u the given name's frequency (see _Scorer.u), at least _U_GIVEN.
    _NICK: 5.3,  # m 0.04 (Bob on the phone, Robert on LinkedIn), u 0.001
    _INITIAL: 3.8,  # m 0.95, u 1/15: one side gives only an initial, and it agrees
    _PARTIAL: 4.1,  # "Jean-Pierre" and "Pierre": as a typo
    _TYPO: 4.1,  # m 0.07, u 0.004
    _CLOSE: 0.0,  # m 0.02, u 0.02: a distant spelling says nothing either way
    _DIFF: -4.6,  # m 0.04 (a middle name used, a mistake), u 0.97
}
_W_FAMILY = {
    # _EXACT: m 0.86, u the family name's frequency, at least _U_FAMILY.
    _NICK: 0.0,
    _INITIAL: 3.8,
    _PARTIAL: 4.9,  # m 0.03, u 0.001: a compound or a dropped particle
    _TYPO: 4.9,  # m 0.06, u 0.002
    _CLOSE: 0.0,
    _DIFF: -4.3,  # m 0.05 (marriage, a mistake), u 0.99
}
_M_NAME = 0.86
_U_GIVEN = 0.003
_U_FAMILY = 0.001

# Birthday. The full date: m 0.9, u 1/(365 * 70), capped because dates are mistyped too. Day
# and month (a year unknown): u 1/365. One digit off or two swapped, day and month swapped:
# m 0.05, u 0.003. Different: m 0.05, u 0.99.
_W_BIRTHDAY_FULL = 13.0
_W_BIRTHDAY_DAY_MONTH = 8.4
_W_BIRTHDAY_NEAR = 4.0
_W_BIRTHDAY_DIFF = -4.3

# Address, one comparison because its parts are not independent (a postcode implies a city).
# Same street and number: m 0.6 (people move), u the address's frequency, at least 0.0002
# (an office building is everyone's address in a company's list). Same locality: m 0.7, u the
# postcode's or city's frequency. Nothing in common though both are known: m 0.15 (a move),
# u 0.98.
_M_ADDRESS = 0.6
_U_ADDRESS = 0.0002
_W_STREET = 4.0  # the street without the number, or the number alone, on top of the locality
_M_LOCALITY = 0.7
_U_POSTCODE = 0.002
_U_CITY = 0.003
_W_ADDRESS_DIFF = -2.7

# Organisation: m 0.5 (people change jobs between the sources), u its frequency, at least
# 0.005; different: m 0.5, u 0.99.
_M_ORGANISATION = 0.5
_U_ORGANISATION = 0.005
_W_ORGANISATION_DIFF = -1.0

# Emails, phones and profiles that differ: people have several (m 0.6), except LinkedIn
# profiles (one each, m 0.02).
# The same local part at two domains (jean.dupont@gmail, jean.dupont@acme): m 0.25, u 0.001,
# u being high because the names, already counted, mostly make the local part. jdupont@ beside
# jean.dupont@ is even more what the names predict: m 0.1, u 0.012.
_W_EMAIL_SAME_LOCAL = 8.0
_W_EMAIL_SIMILAR = 3.0
_W_EMAIL_DIFF = -0.7
_W_PHONE_DIFF = -0.7
_W_LINKEDIN_DIFF = -5.6
# A shared email or phone between two given names: a family mailbox, a landline, a
# switchboard. Strong evidence still, short of decisive: m 0.1, u 0.0001 for an email,
# 0.0016 for a phone.
_W_SHARED_EMAIL = 10.0
_W_SHARED_PHONE = 6.0

# Between two given names that disagree, a shared place (address, organisation) is what
# relatives and colleagues have in common: it counts a quarter, and at most 3 bits. Between
# two family names, it counts half, at most 6 bits: Sophie Martin who married Durand may well
# keep her address and employer, but so does her colleague Sophie Durand.
_PLACE_DISCOUNT = (0.25, 3.0)
_MARRIED_PLACE_DISCOUNT = (0.5, 6.0)

# The most an address and an organisation can add, to stop early on hopeless pairs.
_MAX_ADDRESS = max(
    math.log2(_M_ADDRESS / _U_ADDRESS), math.log2(_M_LOCALITY / _U_POSTCODE) + _W_STREET
)
_MAX_ORGANISATION = math.log2(_M_ORGANISATION / _U_ORGANISATION)


class _Prepared:
    """A record folded once, with everything comparisons and blocking need."""

    __slots__ = (
        "address_key",
        "birthday",
        "city",
        "emails",
        "family",
        "given",
        "has_place",
        "id",
        "linkedin",
        "local_forms",
        "locals",
        "mailboxes",
        "name_forms",
        "numbers",
        "organisation",
        "phones",
        "postcode",
        "sort_key",
        "street",
        "street_words",
    )

    def __init__(self, record: Record, names: _NameTable) -> None:
        self.id = record.id
        given_tokens = _tokens(record.given_name)
        family_tokens = _tokens(record.family_name)
        if not given_tokens and not family_tokens and record.display_name:
            display = record.display_name
            if "," in display:  # "Dupont, Jean"
                family_part, _, given_part = display.partition(",")
                given_tokens, family_tokens = _tokens(given_part), _tokens(family_part)
            else:
                given_tokens, family_tokens = _split_display(_tokens(display))
        emails = {e.strip().lower() for e in record.emails if "@" in e}
        # contact@, info@: a mailbox several people read, never decisive.
        self.mailboxes = frozenset(e for e in emails if e.split("@")[0] in _GENERIC_LOCAL_PARTS)
        self.emails = frozenset(emails - self.mailboxes)
        plain, forms, splits = _local_parts(self.emails)
        if not given_tokens and not family_tokens:
            # A card with only jean.dupont@...: the address names its owner.
            for parts in splits:
                if len(parts) == 2 and all(p.isalpha() and len(p) > 1 for p in parts):
                    given_tokens, family_tokens = [parts[0]], [parts[1]]
                    break
        self.given = given = names.get(given_tokens)
        self.family = family = names.get(family_tokens)
        self.locals = frozenset(plain)  # local parts, dots and +tags removed, generic ones not
        self.local_forms = frozenset(forms)  # jdupont and jeandupont from jean.dupont@
        # What this person's address would likely be, to meet a card that has only that.
        self.name_forms: frozenset[str] = frozenset()
        if given is not None and family is not None:
            self.name_forms = frozenset(
                (given.first[0] + family.joined, given.first + family.joined)
            )
        self.sort_key = " ".join(n.joined for n in (family, given) if n is not None)
        self.phones = frozenset(k for k in map(_phone_key, record.phones) if k)
        self.linkedin = frozenset(k for k in map(_linkedin_key, record.linkedin) if k)
        self.organisation = " ".join(
            t for t in _tokens(record.organisation) if t not in _LEGAL_FORMS
        )
        self.postcode = "".join(_tokens(record.postcode))
        city_tokens = _tokens(record.city)
        self.city = " ".join(city_tokens)
        # The street is what the address says beyond its postcode and city.
        skip = set(city_tokens)
        skip.add(self.postcode)
        address = _tokens(record.address)
        self.numbers = frozenset(t for t in address if t.isdigit() and t not in skip)
        self.set_street(
            [
                t
                for t in address
                if t not in skip
                and not t.isdigit()
                and t not in _STREET_WORDS
                and t not in _PARTICLES
            ]
        )
        self.has_place = bool(self.street or self.postcode or self.city or self.numbers)
        birthday = record.birthday
        self.birthday = birthday if birthday and any(x is not None for x in birthday) else None

    def set_street(self, words: list[str]) -> None:
        self.street_words = words
        self.street = " ".join(words)
        # How common this exact address is in the list ("" when there is none).
        self.address_key = " ".join((self.street, *sorted(self.numbers))) if words else ""


def _drop_common_street_words(prepared: list[_Prepared]) -> None:
    """Words in many addresses of the list (a state, a country, a city given in the address
    only) say nothing about which street: "13 Young NSW" is not "13 Durham Place NSW"."""
    counts: Counter[str] = Counter()
    for p in prepared:
        counts.update(set(p.street_words))
    limit = max(len(prepared), _TF_MIN_LIST) * _COMMON_STREET_WORD
    common = {word for word, count in counts.items() if count > limit}
    if common:
        for p in prepared:
            if not common.isdisjoint(p.street_words):
                p.set_street([w for w in p.street_words if w not in common])


def _phone_key(phone: str) -> str:
    """The last nine digits: "+33 6 12 34 56 78" and "06 12 34 56 78" agree."""
    digits = "".join(c for c in phone if c.isdigit())
    return digits[-9:] if len(digits) >= 6 else ""


def _linkedin_key(url: str) -> str:
    url = url.strip().lower().split("?")[0].rstrip("/")
    for prefix in ("https://", "http://", "www.", "fr.", "uk."):
        url = url.removeprefix(prefix)
    return url


def _local_parts(emails: Iterable[str]) -> tuple[set[str], set[str], list[list[str]]]:
    plain: set[str] = set()
    forms: set[str] = set()
    splits: list[list[str]] = []
    for email in emails:
        local = email.split("@")[0].split("+")[0]
        parts = [_fold(p) for p in _LOCAL_SPLIT.split(local) if p]
        joined = "".join(parts)
        if len(joined) < 4 or not any(c.isalpha() for c in joined):
            continue
        plain.add(joined)
        if len(parts) >= 2:
            forms.add(parts[0][0] + parts[-1])
            forms.add(parts[0] + parts[-1])
            splits.append(parts)
    return plain, forms, splits


def _split_display(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Given and family tokens of a display name: the last word and its particles is family."""
    if len(tokens) < 2:
        return [], tokens
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1] in _PARTICLES:
        start -= 1
    return tokens[:start], tokens[start:]


# Blocking ------------------------------------------------------------------------------------


def _nickname_initials(name: _Name) -> set[str]:
    initials = {name.initials[0]}
    for group in name.nick:
        # Bob and Robert Smith meet on "s530 r": a nickname also gives its full names' initials.
        initials.update(_GROUP_INITIALS[group])
    return initials


_GROUP_INITIALS: dict[int, set[str]] = defaultdict(set)
for _name, _groups in NICKNAMES.items():
    for _group in _groups:
        _GROUP_INITIALS[_group].add(_name[0])


def _blocking_keys(p: _Prepared) -> set[str]:
    keys: set[str] = set()
    given, family = p.given, p.family
    # A phonetic code of one name with the initial of the other, both ways round: a typo in
    # either name, or given and family swapped, still leaves a key in common.
    if given and family:
        family_code = soundex(family.joined)
        for initial in _nickname_initials(given):
            keys.add(f"n {family_code} {initial}")
        if not given.is_initial:
            keys.add(f"n {soundex(given.joined)} {family.joined[0]}")
    for name in (given, family):
        if name is None:
            continue
        code = soundex(name.joined)
        if p.postcode:
            keys.add(f"np {code} {p.postcode}")
        if p.city:
            keys.add(f"nc {code} {p.city}")
        if p.birthday:
            keys.add(f"nb {name.joined[:2]} {p.birthday[1]} {p.birthday[2]}")
    main = family or given
    if p.organisation and main:
        keys.add(f"no {soundex(main.joined)} {p.organisation}")
    if p.birthday and all(x is not None for x in p.birthday):
        keys.add("b {} {} {}".format(*p.birthday))
    if p.street_words:
        first_word = p.street_words[0]
        for number in p.numbers:
            keys.add(f"s {first_word} {number}")
        if p.postcode:
            keys.add(f"sp {first_word} {p.postcode}")
    if p.postcode:
        for number in p.numbers:
            keys.add(f"a {p.postcode} {number}")
    keys.update("e " + email for email in p.emails | p.mailboxes)
    keys.update("el " + local for local in p.locals | p.local_forms | p.name_forms)
    keys.update("p " + phone for phone in p.phones)
    keys.update("l " + url for url in p.linkedin)
    return keys


def _candidate_pairs(prepared: list[_Prepared]) -> set[int]:
    """Pairs of positions in `prepared` worth scoring, each as x * len(prepared) + y, x < y."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, p in enumerate(prepared):
        for key in _blocking_keys(p):
            blocks[key].append(index)
    n = len(prepared)
    pairs: set[int] = set()
    for members in blocks.values():
        size = len(members)
        if size < 2:
            continue
        if size <= MAX_BLOCK:
            for i, x in enumerate(members):
                base = x * n
                pairs.update(base + y for y in members[i + 1 :])
        else:
            # Every "Martin J." in Paris: neighbours in name order only.
            members = sorted(members, key=lambda m: prepared[m].sort_key)
            for i, x in enumerate(members):
                for y in members[i + 1 : i + WINDOW]:
                    pairs.add(x * n + y if x < y else y * n + x)
    return pairs


# Scoring -------------------------------------------------------------------------------------


def _digits(date: Birthday) -> str:
    year, month, day = (x or 0 for x in date)
    return f"{year:04d}{month:02d}{day:02d}"


def _logit2(probability: float) -> float:
    if probability <= 0.0:
        return -math.inf
    if probability >= 1.0:
        return math.inf
    return math.log2(probability / (1.0 - probability))


def _bits(m: float, u: float) -> float:
    return math.log2(m / u)


def prior_bits(size: int) -> float:
    """log2 of the prior odds that two records of a list of `size` are one person."""
    return math.log2(2 * DUPLICATES_PER_RECORD / (max(size, _PRIOR_MIN_LIST) - 1))


class _Scorer:
    """Scores pairs of one member's records, knowing how common each value is in the list."""

    def __init__(self, prepared: list[_Prepared], names: _NameTable) -> None:
        self.prior = prior_bits(len(prepared))
        self.size = max(len(prepared), _TF_MIN_LIST)
        self.stride = len(names.names) + 1
        given_counts: Counter[str] = Counter()
        family_counts: Counter[str] = Counter()
        postcodes: Counter[str] = Counter()
        cities: Counter[str] = Counter()
        organisations: Counter[str] = Counter()
        addresses: Counter[str] = Counter()
        for p in prepared:
            if p.given and not p.given.is_initial:
                given_counts[p.given.first] += 1
            if p.family and not p.family.is_initial:
                family_counts[p.family.joined] += 1
            postcodes[p.postcode] += 1
            cities[p.city] += 1
            organisations[p.organisation] += 1
            addresses[p.address_key] += 1
        self.given_counts = given_counts
        self.family_counts = family_counts
        self.postcodes = postcodes
        self.cities = cities
        self.organisations = organisations
        self.addresses = addresses
        # Outcomes of name comparisons, by (name, name) index: common names meet again and
        # again in big lists.
        self.cache: dict[int, tuple[float, int]] = {}

    def u(self, counts: Counter[str], value: str, floor: float) -> float:
        # Both compared records hold the value: the others tell how common it is.
        return max(floor, (counts[value] - 2) / self.size)

    def name_bits(self, x: _Name, y: _Name, as_given: bool) -> tuple[float, int]:
        key = (x.index * self.stride + y.index) * 2 + as_given
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        if as_given:
            level = _compare_given(x, y)
            if level == _EXACT:
                u = max(
                    self.u(self.given_counts, x.first, _U_GIVEN),
                    self.u(self.family_counts, x.joined, _U_GIVEN),
                )
                result = (_bits(_M_NAME, u), level)
            else:
                result = (_W_GIVEN[level], level)
        else:
            level = _compare_family(x, y)
            if level == _EXACT:
                u = max(
                    self.u(self.family_counts, x.joined, _U_FAMILY),
                    self.u(self.given_counts, x.first, _U_FAMILY),
                )
                result = (_bits(_M_NAME, u), level)
            else:
                result = (_W_FAMILY[level], level)
        self.cache[key] = result
        return result

    def names(self, a: _Prepared, b: _Prepared) -> tuple[float, int, int, bool]:
        """Bits, the given and family outcomes, and whether the names were swapped."""
        ag, af, bg, bf = a.given, a.family, b.given, b.family
        if ag and af and bg and bf:
            g, gl = self.name_bits(ag, bg, True)
            f, fl = self.name_bits(af, bf, False)
            best = (g + f, gl, fl, False)
            if (gl >= _CLOSE or fl >= _CLOSE) and (
                ag.joined[0] == bf.joined[0] or af.joined[0] == bg.joined[0]
            ):
                # "DUPONT Jean" read the wrong way round, by either record: both readings.
                for given_x, given_y, family_x, family_y in ((ag, bf, af, bg), (bg, af, bf, ag)):
                    sg, sgl = self.name_bits(given_x, given_y, True)
                    sf, sfl = self.name_bits(family_x, family_y, False)
                    if sg + sf > best[0]:
                        best = (sg + sf, sgl, sfl, True)
            return best
        # A side with one name: compare it with whichever of the other's it matches, in
        # either role when it sits in different slots.
        best = (0.0, _MISSING, _MISSING, False)
        found = False
        for x, y, roles, swapped in (
            (ag, bg, (True,), False),
            (af, bf, (False,), False),
            (ag, bf, (True, False), True),
            (af, bg, (True, False), True),
        ):
            if x is None or y is None:
                continue
            for as_given in roles:
                bits, level = self.name_bits(x, y, as_given)
                if not found or bits > best[0]:
                    found = True
                    best = (
                        (bits, level, _MISSING, swapped)
                        if as_given
                        else (bits, _MISSING, level, swapped)
                    )
        return best

    def birthday(self, a: Birthday, b: Birthday) -> float:
        if None not in a and None not in b:
            if a == b:
                return _W_BIRTHDAY_FULL
            # One digit mistyped or two swapped, or day and month swapped.
            near = OSA.distance(_digits(a), _digits(b)) <= 1
            if near or a == (b[0], b[2], b[1]):
                return _W_BIRTHDAY_NEAR
            return _W_BIRTHDAY_DIFF
        shared = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
        if not shared:
            return 0.0
        if any(x != y for x, y in shared):
            return _W_BIRTHDAY_DIFF
        if a[1] is not None and b[1] is not None and a[2] is not None and b[2] is not None:
            return _W_BIRTHDAY_DAY_MONTH
        # A year and a month, or one of them alone: a hint only.
        return 4.0 if len(shared) >= 2 else 2.0

    def address(self, a: _Prepared, b: _Prepared) -> tuple[float, str]:
        street = number = postcode = city = _MISSING
        if a.street and b.street:
            if a.street == b.street:
                street = _EXACT
            elif fuzz.ratio(
                a.street.replace(" ", ""), b.street.replace(" ", ""), score_cutoff=85
            ) or _street_words_match(a.street_words, b.street_words):
                street = _TYPO
            else:
                street = _DIFF
        if a.numbers and b.numbers:
            number = _EXACT if a.numbers & b.numbers else _DIFF
        if a.postcode and b.postcode:
            postcode = _EXACT if a.postcode == b.postcode else _DIFF
        if a.city and b.city:
            if a.city == b.city:
                city = _EXACT
            else:
                city = _TYPO if _similar(a.city, b.city) == _TYPO else _DIFF

        locality = 0.0
        if postcode == _EXACT:
            u = self.u(self.postcodes, a.postcode, _U_POSTCODE)
            if city == _EXACT:
                u = min(u, self.u(self.cities, a.city, _U_CITY))
            locality = _bits(_M_LOCALITY, u) - (2.0 if city == _DIFF else 0.0)
        elif city == _EXACT:
            u = self.u(self.cities, a.city, _U_CITY)
            locality = _bits(_M_LOCALITY, u) - (2.0 if postcode == _DIFF else 0.0)
        elif city == _TYPO:
            locality = 2.0

        street_agrees = street in (_EXACT, _TYPO)
        elsewhere = (
            postcode != _EXACT and city not in (_EXACT, _TYPO) and _DIFF in (postcode, city)
        )
        if elsewhere:
            # "6 rue Victor Hugo" in another town: a common street name, not the same address.
            street_agrees = False
            number = _MISSING
        if street_agrees and number == _EXACT:
            # The street pins the place down: a typo in the postcode does not undo it.
            u = max(
                self.u(self.addresses, a.address_key, _U_ADDRESS),
                self.u(self.addresses, b.address_key, _U_ADDRESS),
            )
            bits = max(_bits(_M_ADDRESS, u), locality + _W_STREET)
            return bits, "same-address"
        if street_agrees or (number == _EXACT and street == _MISSING):
            bits = locality + (_W_STREET if street_agrees else 1.0)
            if number == _DIFF:
                bits -= 2.0
            return bits, "same-locality" if locality > 0 else ""
        if locality > 0:
            return locality - (2.0 if street == _DIFF else 0.0), "same-locality"
        known = [x for x in (street, postcode, city) if x != _MISSING]
        if known and all(x == _DIFF for x in known):
            return _W_ADDRESS_DIFF, ""
        return 0.0, ""

    def organisation(self, a: str, b: str) -> float:
        if a == b or fuzz.token_set_ratio(a, b, score_cutoff=90):
            u = max(
                self.u(self.organisations, a, _U_ORGANISATION),
                self.u(self.organisations, b, _U_ORGANISATION),
            )
            return _bits(_M_ORGANISATION, u)
        return _W_ORGANISATION_DIFF

    def score(self, a: _Prepared, b: _Prepared, threshold: float) -> Candidate | None:
        """The pair as a Candidate (a.id < b.id), or None below the threshold (in bits)."""
        exact: list[str] = []
        if a.emails and b.emails and a.emails & b.emails:
            exact.append("same-email")
        if a.phones and b.phones and a.phones & b.phones:
            exact.append("same-phone")
        if a.linkedin and b.linkedin and a.linkedin & b.linkedin:
            exact.append("same-linkedin")

        bits, given_level, family_level, swapped = self.names(a, b)
        if not exact:
            # Most pairs a big list proposes cannot reach the threshold whatever their other
            # fields say: stop before comparing them.
            most = bits + self.prior
            if a.birthday and b.birthday:
                most += _W_BIRTHDAY_FULL
            if (a.locals or a.local_forms) and (b.locals or b.local_forms):
                most += _W_EMAIL_SAME_LOCAL
            if a.mailboxes and b.mailboxes:
                most += _W_SHARED_EMAIL
            place = 0.0
            if a.has_place and b.has_place:
                place += _MAX_ADDRESS
            if a.organisation and b.organisation:
                place += _MAX_ORGANISATION
            if given_level == _DIFF:
                place = min(place * _PLACE_DISCOUNT[0], _PLACE_DISCOUNT[1])
            elif family_level == _DIFF:
                place = min(place * _MARRIED_PLACE_DISCOUNT[0], _MARRIED_PLACE_DISCOUNT[1])
            if most + place < threshold:
                return None
        evidence: list[tuple[float, str]] = []  # what a relative or colleague would not share
        places: list[tuple[float, str]] = []  # what they would
        if a.birthday and b.birthday:
            value = self.birthday(a.birthday, b.birthday)
            label = "same-birthday" if value >= _W_BIRTHDAY_DAY_MONTH else "similar-birthday"
            evidence.append((value, label))
        if a.has_place and b.has_place:
            places.append(self.address(a, b))
        if a.organisation and b.organisation:
            value = self.organisation(a.organisation, b.organisation)
            places.append((value, "same-organisation"))
        if not exact or exact[0] != "same-email":
            if a.locals & b.locals:
                evidence.append((_W_EMAIL_SAME_LOCAL, "similar-email"))
            elif (a.locals & b.local_forms) or (b.locals & a.local_forms):
                evidence.append((_W_EMAIL_SIMILAR, "similar-email"))
            elif a.emails and b.emails:
                evidence.append((_W_EMAIL_DIFF, ""))
        if a.phones and b.phones and "same-phone" not in exact:
            evidence.append((_W_PHONE_DIFF, ""))
        if a.linkedin and b.linkedin and "same-linkedin" not in exact:
            evidence.append((_W_LINKEDIN_DIFF, ""))
        if a.mailboxes and b.mailboxes and a.mailboxes & b.mailboxes and not exact:
            evidence.append((_W_SHARED_EMAIL, "same-email"))

        if _DIFF in (given_level, family_level):
            discount, cap = _PLACE_DISCOUNT if given_level == _DIFF else _MARRIED_PLACE_DISCOUNT
            positive = sum(v for v, _ in places if v > 0)
            kept = min(positive * discount, cap)
            labels = [label for v, label in places if v > 0]
            places = [(v, "") for v, _ in places if v <= 0]
            # The place still shows on the review page, for what it is worth.
            places += [(kept / len(labels), label) for label in labels]
        if given_level == _DIFF:
            # Between two given names, a shared mailbox or line is not decisive.
            if "same-email" in exact:
                evidence.append((_W_SHARED_EMAIL, "same-email"))
                exact.remove("same-email")
            if "same-phone" in exact:
                evidence.append((_W_SHARED_PHONE, "same-phone"))
                exact.remove("same-phone")
        evidence += places
        bits += sum(v for v, _ in evidence)

        if exact:
            score = 1.0
        else:
            if bits + self.prior < threshold:
                return None
            score = min(1.0 / (1.0 + 2.0 ** -(bits + self.prior)), FUZZY_CEILING)
        reasons = list(exact)
        if given_level == _EXACT and family_level == _EXACT:
            reasons.append("same-name")
        elif {given_level, family_level} & {_EXACT, _TYPO, _PARTIAL}:
            reasons.append("similar-name")
        if swapped:
            reasons.append("transposed-name")
        if given_level == _NICK:
            reasons.append("nickname")
        if _INITIAL in (given_level, family_level):
            reasons.append("initial")
        evidence.sort(key=lambda item: -item[0])
        reasons.extend(label for value, label in evidence if label and value > 0)
        return Candidate(a.id, b.id, score, tuple(dict.fromkeys(reasons)))


# Entry points --------------------------------------------------------------------------------


@dataclass
class DedupeResult:
    candidates: list[Candidate]
    records: int = 0
    compared: int = 0  # candidate pairs scored (proposed by blocking, minus ignored pairs)
    timings: dict[str, float] = field(default_factory=dict)


def dedupe(
    records: Iterable[Record],
    *,
    ignore: Iterable[tuple[int, int]] = frozenset(),
    threshold: float = REVIEW_THRESHOLD,
) -> DedupeResult:
    """`find_candidates()` with the counts and timings a benchmark or a log wants."""
    # Millions of small objects and no reference cycles: the cyclic collector's passes over
    # them cost a fifth of the time at 100,000 contacts and would free nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _dedupe(records, ignore, threshold)
    finally:
        if collecting:
            gc.enable()


def _dedupe(
    records: Iterable[Record], ignore: Iterable[tuple[int, int]], threshold: float
) -> DedupeResult:
    started = time.perf_counter()
    names = _NameTable()
    prepared = [_Prepared(r, names) for r in records]
    _drop_common_street_words(prepared)
    if len({p.id for p in prepared}) != len(prepared):
        raise ValueError("Record ids must be unique.")
    skip = {(min(x, y), max(x, y)) for x, y in ignore}
    prepared_at = time.perf_counter()
    pairs = _candidate_pairs(prepared)
    blocked_at = time.perf_counter()
    scorer = _Scorer(prepared, names)
    threshold_bits = _logit2(threshold)
    n = len(prepared)
    candidates: list[Candidate] = []
    compared = 0
    for pair in pairs:
        a, b = prepared[pair // n], prepared[pair % n]
        if a.id > b.id:
            a, b = b, a
        if skip and (a.id, b.id) in skip:
            continue
        compared += 1
        candidate = scorer.score(a, b, threshold_bits)
        if candidate is not None and candidate.score >= threshold:
            candidates.append(candidate)
    candidates.sort(key=lambda c: (-c.score, c.a, c.b))
    finished = time.perf_counter()
    return DedupeResult(
        candidates=candidates,
        records=n,
        compared=compared,
        timings={
            "prepare_s": prepared_at - started,
            "block_s": blocked_at - prepared_at,
            "score_s": finished - blocked_at,
        },
    )


def find_candidates(
    records: Iterable[Record],
    *,
    ignore: Iterable[tuple[int, int]] = frozenset(),
    threshold: float = REVIEW_THRESHOLD,
) -> list[Candidate]:
    """Pairs of records that are probably one person, best first.

    `ignore` holds pairs the member said are different people, in either order. Pairs scoring
    1.0 share an EXACT key and merge on import; the others, at or above `threshold`
    (REVIEW_THRESHOLD), are for the member to review.
    """
    return dedupe(records, ignore=ignore, threshold=threshold).candidates


def exact_key_matches(
    records: Iterable[Record], *, ignore: Iterable[tuple[int, int]] = frozenset()
) -> list[Candidate]:
    """Only the pairs that share an EXACT key (score 1.0): what an import merges by itself."""
    return dedupe(records, ignore=ignore, threshold=1.0).candidates


def score_pair(a: Record, b: Record) -> Candidate:
    """Two records scored on their own, as in a short list (for a review page and tests;
    `find_candidates()` also weighs how common each name is in the whole list)."""
    names = _NameTable()
    pa, pb = _Prepared(a, names), _Prepared(b, names)
    if pa.id > pb.id:
        pa, pb = pb, pa
    candidate = _Scorer([pa, pb], names).score(pa, pb, threshold=-math.inf)
    assert candidate is not None  # no threshold: every pair comes back
    return candidate


def is_exact(candidate: Candidate) -> bool:
    """Whether a pair shares a decisive key, and so merges on import without review."""
    return candidate.score >= 1.0 and not EXACT.isdisjoint(candidate.reasons)

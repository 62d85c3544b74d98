"""Duplicate contacts, found without the database: records in, scored candidate pairs out.

The same person arrives from LinkedIn, a phone's vCards, Google and Outlook, spelt a little
differently each time. `find_candidates()` takes one member's records and returns the pairs
that probably are one person, best first, each with the reasons a review page can show.

Two stages, as in every record-linkage system:

* **Blocking.** Comparing every pair is O(n²): 5 billion pairs at 100,000 contacts. Each
  record instead gets a handful of cheap keys (a phonetic code of one name with the initial of
  the other, birthday, postcode and street number, email local part, phone suffix, ...) and
  only records sharing a key are compared, plus neighbours in a sorted-name window. A key
  shared by too many records (every "Martin" in Paris) is not compared all-to-all: its records
  are sorted by name and only neighbours are paired.
* **Scoring.** A Fellegi-Sunter model: each field comparison adds log2(m/u) bits, where m is
  how often two records of the same person show that outcome and u how often two different
  people do. m and u are set by reasoning about contact data (people change jobs and move,
  rarely change birthday), not fitted on a benchmark; u for an exact name, postcode, city or
  organisation is the value's frequency in the member's own list, so a shared "Martin" counts
  for little in a list of Martins. A missing field adds nothing: LinkedIn gives no birthday,
  a phone no organisation. The bits plus a prior are turned into a probability.

Same email, same phone or same LinkedIn profile is decisive (`EXACT`, score 1.0) and merges
on import, unless the given names clearly disagree: a shared landline or family mailbox
(Pierre and Sophie Martin) is then only strong evidence, for a member to review.

bench/dedupe.py measures this on FEBRL 1-4 and 100,000 synthetic contacts.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
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

# The model's prior: log2 of the odds that two records of one member, taken at random among
# the compared pairs, are one person. About 1 in 10,000: a few hundred duplicates among a few
# thousand contacts. A pair needs some 13 bits of evidence to reach even odds, which a full
# name alone (given + family, ~17 bits when both are rare) gives, and a shared family name
# alone (<= 10 bits) does not.
PRIOR_BITS = -13.0
# Pairs at or above go to the member's review page. Set on FEBRL1 and FEBRL2 (see
# bench/dedupe.py), FEBRL3 and FEBRL4 being held out.
REVIEW_THRESHOLD = 0.5
# A fuzzy score never reaches 1.0, which is kept for EXACT keys.
FUZZY_CEILING = 0.999

# Blocking: keys shared by more records than this are not compared all-to-all; their records
# are sorted by name and each is paired with its next WINDOW - 1 neighbours.
MAX_BLOCK = 24
WINDOW = 6

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
michael michel mickael mikael michael mike mikey mick mickey
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
catherine cathy cath
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
lawrence laurence laurent larry laurie
timothy tim timmy
vincent vince vinz
zachary zach zack
nathalie natalie nath nat
nathaniel nathan nat nate
gabriel gaby gabi
gabrielle gaby gabi
guillaume will
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
_WORD = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"\d+")
_LOCAL_SPLIT = re.compile(r"[._\-]+")


def _tokens(text: str) -> list[str]:
    return _WORD.findall(fold(text))


_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnraeiouyhw", "11112222222233455600000000")


@lru_cache(maxsize=200_000)
def soundex(word: str) -> str:
    """American Soundex of a folded word: "dupont" -> "d153"; typos that keep the sounds meet."""
    letters = "".join(c for c in word if "a" <= c <= "z")
    if not letters:
        return ""
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


# Comparison outcomes.
_EXACT, _NICK, _INITIAL, _PARTIAL, _TYPO, _CLOSE, _DIFF, _MISSING = range(8)


@dataclass(frozen=True, slots=True)
class _Name:
    """A given or family name, folded and pre-digested for fast comparison."""

    tokens: tuple[str, ...]
    joined: str  # "jeanpierre" for "Jean-Pierre"
    first: str
    initials: str
    is_initial: bool  # "J.", "J. P.", "JP"
    nick: frozenset[int]

    @classmethod
    def of(cls, tokens: list[str]) -> _Name | None:
        if not tokens:
            return None
        joined = "".join(tokens)
        initials = "".join(t[0] for t in tokens)
        is_initial = all(len(t) == 1 for t in tokens) or (
            len(tokens) == 1 and len(joined) == 2 and not (set(joined) & _VOWELS)
        )
        if is_initial:
            initials = joined
        nick = NICKNAMES.get(joined, frozenset()) | NICKNAMES.get(tokens[0], frozenset())
        return cls(tuple(tokens), joined, tokens[0], initials, is_initial, nick)


def _similar(x: str, y: str) -> int:
    """_TYPO, _CLOSE or _DIFF for two different strings."""
    shorter = min(len(x), len(y))
    if shorter >= 3:
        distance = OSA.distance(x, y, score_cutoff=2)
        if distance <= 1 and shorter >= 4:
            return _TYPO
        if distance <= 2 and shorter >= 7:
            return _TYPO
    jw = JaroWinkler.normalized_similarity(x, y)
    if jw >= 0.92:
        return _TYPO
    if jw >= 0.85:
        return _CLOSE
    return _DIFF


def _compare_given(x: _Name, y: _Name) -> int:
    if x.is_initial or y.is_initial:
        shorter, longer = sorted((x.initials, y.initials), key=len)
        return _INITIAL if longer.startswith(shorter) else _DIFF
    if x.joined == y.joined or x.first == y.first:
        return _EXACT
    if x.nick & y.nick:
        return _NICK
    level = _similar(x.joined, y.joined)
    if level != _TYPO and (x.first != x.joined or y.first != y.joined):
        level = min(level, _similar(x.first, y.first))
    return level


def _compare_family(x: _Name, y: _Name) -> int:
    if x.joined == y.joined:
        return _EXACT
    if x.is_initial or y.is_initial:
        return _INITIAL if x.joined[0] == y.joined[0] else _DIFF
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
    _PARTIAL: 4.1,  # m 0.07, u 0.004: "Jean-Pierre" and "Jean Pierre" or "Pierre"
    _TYPO: 4.1,  # m 0.07, u 0.004
    _CLOSE: 0.0,  # m 0.02, u 0.02: a distant spelling says nothing either way
    _DIFF: -4.6,  # m 0.04 (a middle name used, a mistake), u 0.97
}
_W_FAMILY = {
    # _EXACT: m 0.86, u the family name's frequency, at least _U_FAMILY.
    _INITIAL: 3.8,
    _PARTIAL: 4.9,  # m 0.03, u 0.001: a compound or a dropped particle
    _TYPO: 4.9,  # m 0.06, u 0.002
    _CLOSE: 0.0,
    _DIFF: -4.3,  # m 0.05 (marriage, a mistake), u 0.99
}
_M_NAME = 0.86
_U_GIVEN = 0.003
_U_FAMILY = 0.001

# Birthday: the full date agreeing (m 0.9, u 1/(365 * 70), capped: dates are mistyped too),
# day and month only (year unknown on one side, u 1/365), one component or digit off
# (m 0.05, u 0.003), disagreeing (m 0.05, u 0.99).
_W_BIRTHDAY_FULL = 13.0
_W_BIRTHDAY_DAY_MONTH = 8.4
_W_BIRTHDAY_NEAR = 4.0
_W_BIRTHDAY_DIFF = -4.3

# Address, one group because its parts are not independent (a postcode implies a city).
# Same street and number: m 0.6 (people move), u 0.0002. Same locality only: the postcode's
# and city's frequencies. Nothing in common though both are known: m 0.15 (a move), u 0.98.
_W_ADDRESS = 11.5
_W_STREET_ONLY = 4.0  # the street but not the number, or the number and a similar street
_M_LOCALITY = 0.7
_U_POSTCODE = 0.002
_U_CITY = 0.003
_W_ADDRESS_DIFF = -2.7

# Organisation: m 0.5 (people change jobs between the sources), u its frequency in the list,
# at least 0.005; different: m 0.5, u 0.99.
_M_ORGANISATION = 0.5
_U_ORGANISATION = 0.005
_W_ORGANISATION_DIFF = -1.0

# Emails, phones, profiles that differ: people have several (m 0.6), except LinkedIn (one
# profile each, m 0.02).
_W_EMAIL_SAME_LOCAL = 10.0  # jean.dupont@gmail and jean.dupont@acme: m 0.25, u 0.0002
_W_EMAIL_SIMILAR = 6.6  # jdupont@ and jean.dupont@: m 0.1, u 0.001
_W_EMAIL_DIFF = -0.7
_W_PHONE_DIFF = -0.7
_W_LINKEDIN_DIFF = -5.6
# A shared email or phone when the given names disagree: a family mailbox, a landline, a
# switchboard. Strong evidence still, short of decisive.
_W_SHARED_EMAIL = 10.0
_W_SHARED_PHONE = 6.0

# When two given names disagree, a shared place (address, organisation) is what relatives and
# colleagues have in common; it then counts this much of its weight.
_PLACE_DISCOUNT = 0.3


@dataclass(slots=True)
class _Prepared:
    """A record folded once, with everything comparisons and blocking need."""

    record: Record
    given: _Name | None
    family: _Name | None
    organisation: str
    emails: frozenset[str]
    locals: frozenset[str]  # plain local parts, dots and +tags removed, generic ones dropped
    local_forms: frozenset[str]  # jdupont and jeandupont from jean.dupont@
    name_forms: frozenset[str]  # the same from the name, for blocking only
    phones: frozenset[str]
    linkedin: frozenset[str]
    postcode: str
    city: str
    street: str  # distinctive street words, sorted
    numbers: frozenset[str]
    birthday: Birthday | None
    sort_keys: tuple[str, ...] = ()


def _phone_key(phone: str) -> str:
    """The last nine digits: "+33 6 12 34 56 78" and "06 12 34 56 78" agree."""
    digits = "".join(_DIGITS.findall(phone))
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
        if local in _GENERIC_LOCAL_PARTS:
            continue
        parts = [fold(p) for p in _LOCAL_SPLIT.split(local) if p]
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


def _prepare(record: Record) -> _Prepared:
    given_tokens = _tokens(record.given_name)
    family_tokens = _tokens(record.family_name)
    if not given_tokens and not family_tokens and record.display_name:
        display = record.display_name
        if "," in display:  # "Dupont, Jean"
            family_part, _, given_part = display.partition(",")
            given_tokens, family_tokens = _tokens(given_part), _tokens(family_part)
        else:
            given_tokens, family_tokens = _split_display(_tokens(display))
    plain, forms, splits = _local_parts(record.emails)
    if not given_tokens and not family_tokens:
        # A card with only jean.dupont@...: the address names its owner.
        for parts in splits:
            if len(parts) == 2 and all(p.isalpha() and len(p) > 1 for p in parts):
                given_tokens, family_tokens = [parts[0]], [parts[1]]
                break
    given = _Name.of(given_tokens)
    family = _Name.of(family_tokens)
    # What this person's address would likely start with, to meet a card that has only that.
    name_forms = set()
    if given is not None and family is not None:
        name_forms = {given.first[0] + family.joined, given.first + family.joined}

    organisation = " ".join(t for t in _tokens(record.organisation) if t not in _LEGAL_FORMS)
    postcode = "".join(_tokens(record.postcode))
    city_tokens = _tokens(record.city)
    city = " ".join(city_tokens)
    address_tokens = _tokens(record.address)
    # The street is what the address says beyond its postcode and city.
    skip = set(city_tokens) | {postcode}
    numbers = frozenset(t for t in address_tokens if t.isdigit() and t not in skip)
    street_words = sorted(
        t
        for t in address_tokens
        if t not in skip and not t.isdigit() and t not in _STREET_WORDS and t not in _PARTICLES
    )
    sort_keys: tuple[str, ...] = ()
    if given is not None or family is not None:
        g = given.joined if given else ""
        f = family.joined if family else ""
        sort_keys = (f + " " + g, g + " " + f) if g and f else (f or g,)
    return _Prepared(
        record=record,
        given=given,
        family=family,
        organisation=organisation,
        emails=frozenset(e.strip() for e in record.emails if "@" in e),
        locals=frozenset(plain),
        local_forms=frozenset(forms),
        name_forms=frozenset(name_forms),
        phones=frozenset(k for k in map(_phone_key, record.phones) if k),
        linkedin=frozenset(k for k in map(_linkedin_key, record.linkedin) if k),
        postcode=postcode,
        city=city,
        street=" ".join(street_words),
        numbers=numbers,
        birthday=record.birthday if record.birthday and any(record.birthday) else None,
        sort_keys=sort_keys,
    )


# Blocking ------------------------------------------------------------------------------------


def _blocking_keys(p: _Prepared) -> Iterator[str]:
    given, family = p.given, p.family
    given_initials = {given.initials[0]} if given else set()
    if given:
        for group in given.nick:
            # Bob and Robert Smith share "s530 r": the nickname's full names give initials.
            given_initials.update(n[0] for n, g in NICKNAMES.items() if group in g)
    names = [n for n in (given, family) if n is not None]
    # A phonetic code of one name with the initial of the other, both ways round, so that a
    # typo in either name, or given and family swapped, still shares a key.
    if given and family:
        for initial in given_initials:
            yield f"n {soundex(family.joined)} {initial}"
        if not given.is_initial:
            yield f"n {soundex(given.joined)} {family.joined[0]}"
    for name in names:
        if p.postcode:
            yield f"np {soundex(name.joined)} {p.postcode}"
        if p.city:
            yield f"nc {soundex(name.joined)} {p.city}"
        if p.birthday:
            yield f"nb {name.joined[:2]} {p.birthday[1]} {p.birthday[2]}"
        if p.organisation:
            yield f"no {soundex(name.joined)} {p.organisation}"
    if p.birthday and all(p.birthday):
        yield "b {} {} {}".format(*p.birthday)
    if p.postcode and p.numbers:
        for number in p.numbers:
            yield f"a {p.postcode} {number}"
    if p.street:
        first_word = p.street.split()[0]
        for number in p.numbers:
            yield f"s {first_word} {number}"
        if p.postcode:
            yield f"sp {first_word} {p.postcode}"
    for email in p.emails:
        yield "e " + email
    for local in p.locals | p.local_forms | p.name_forms:
        yield "el " + local
    for phone in p.phones:
        yield "p " + phone
    for url in p.linkedin:
        yield "l " + url


def _sorted_neighbourhood(keyed: list[tuple[str, int]], window: int) -> Iterator[tuple[int, int]]:
    keyed.sort()
    for i, (_, x) in enumerate(keyed):
        for _, y in keyed[i + 1 : i + window]:
            if x != y:
                yield (x, y) if x < y else (y, x)


def candidate_pairs(prepared: list[_Prepared]) -> set[tuple[int, int]]:
    """Index pairs (into `prepared`) worth scoring: the union of every key's block."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, p in enumerate(prepared):
        for key in set(_blocking_keys(p)):
            blocks[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) <= MAX_BLOCK:
            for i, x in enumerate(members):
                for y in members[i + 1 :]:
                    pairs.add((x, y))
        else:
            keyed = [
                (prepared[m].sort_keys[0] if prepared[m].sort_keys else "", m) for m in members
            ]
            pairs.update(_sorted_neighbourhood(keyed, WINDOW))
    # Neighbours by full name, family first and given first (which also meets a swapped
    # name), for records whose every other key differs.
    keyed = [(key, index) for index, p in enumerate(prepared) for key in p.sort_keys]
    pairs.update(_sorted_neighbourhood(keyed, WINDOW))
    return pairs


# Scoring -------------------------------------------------------------------------------------


def _bits(m: float, u: float) -> float:
    return math.log2(m / u)


class _Scorer:
    """Scores pairs of one member's records, knowing how common each value is in the list."""

    def __init__(self, prepared: list[_Prepared]) -> None:
        self.size = max(len(prepared), _TF_MIN_LIST)
        self.given_counts: Counter[str] = Counter()
        self.family_counts: Counter[str] = Counter()
        self.postcode_counts: Counter[str] = Counter()
        self.city_counts: Counter[str] = Counter()
        self.organisation_counts: Counter[str] = Counter()
        for p in prepared:
            if p.given and not p.given.is_initial:
                self.given_counts[p.given.first] += 1
            if p.family and not p.family.is_initial:
                self.family_counts[p.family.joined] += 1
            if p.postcode:
                self.postcode_counts[p.postcode] += 1
            if p.city:
                self.city_counts[p.city] += 1
            if p.organisation:
                self.organisation_counts[p.organisation] += 1

    def u(self, counts: Counter[str], value: str, floor: float) -> float:
        # Both compared records hold the value: the others tell how common it is.
        return max(floor, (counts[value] - 2) / self.size)

    def given_bits(self, x: _Name, y: _Name) -> tuple[float, int]:
        level = _compare_given(x, y)
        if level == _EXACT:
            u = max(
                self.u(self.given_counts, x.first, _U_GIVEN),
                self.u(self.family_counts, x.joined, _U_GIVEN),
            )
            return _bits(_M_NAME, u), level
        return _W_GIVEN[level], level

    def family_bits(self, x: _Name, y: _Name) -> tuple[float, int]:
        level = _compare_family(x, y)
        if level == _EXACT:
            u = max(
                self.u(self.family_counts, x.joined, _U_FAMILY),
                self.u(self.given_counts, x.first, _U_FAMILY),
            )
            return _bits(_M_NAME, u), level
        return _W_FAMILY[level], level

    def names(self, a: _Prepared, b: _Prepared) -> tuple[float, int, list[str]]:
        """Bits, the given names' outcome, and reasons."""
        options: list[tuple[float, int, int, bool]] = []  # bits, given level, family level, swap
        ag, af, bg, bf = a.given, a.family, b.given, b.family
        if ag and af and bg and bf:
            g, gl = self.given_bits(ag, bg)
            f, fl = self.family_bits(af, bf)
            options.append((g + f, gl, fl, False))
            if gl != _EXACT or fl != _EXACT:
                g, gl = self.given_bits(ag, bf)
                f, fl = self.family_bits(af, bg)
                options.append((g + f, gl, fl, True))
        else:
            # One side has a single name: compare it with whichever of the other's it matches.
            for x, y, swapped in (
                (ag, bg, False),
                (af, bf, False),
                (ag, bf, True),
                (af, bg, True),
            ):
                if x is None or y is None:
                    continue
                if x is ag:
                    g, gl = self.given_bits(x, y)
                    options.append((g, gl, _MISSING, swapped))
                else:
                    f, fl = self.family_bits(x, y)
                    options.append((f, _MISSING, fl, swapped))
        if not options:
            return 0.0, _MISSING, []
        bits, gl, fl, swapped = max(options, key=lambda o: o[0])
        reasons: list[str] = []
        if gl == _EXACT and fl == _EXACT:
            reasons.append("same-name")
        elif {gl, fl} & {_EXACT, _TYPO, _PARTIAL} and bits > 0:
            reasons.append("similar-name")
        if swapped and bits > 0:
            reasons.append("transposed-name")
        if gl == _NICK:
            reasons.append("nickname")
        if _INITIAL in (gl, fl) and bits > 0:
            reasons.append("initial")
        return bits, gl, reasons

    def birthday(self, a: Birthday, b: Birthday) -> float:
        shared = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
        if not shared:
            return 0.0
        differing = sum(x != y for x, y in shared)
        if differing == 0:
            if a[1] is None or b[1] is None or a[2] is None or b[2] is None:
                return 4.0 if len(shared) == 1 else _W_BIRTHDAY_DAY_MONTH
            return _W_BIRTHDAY_FULL if len(shared) == 3 else _W_BIRTHDAY_DAY_MONTH
        if len(shared) == 3:
            (ay, am, ad), (by, bm, bd) = a, b
            if (am, ad) == (bd, bm):  # day and month swapped
                return _W_BIRTHDAY_NEAR if ay == by else _W_BIRTHDAY_DIFF
            if differing == 1:
                x, y = next((x, y) for x, y in shared if x != y)
                # One digit mistyped or two swapped, not another date altogether.
                if OSA.distance(f"{x:04d}", f"{y:04d}") <= 1:
                    return _W_BIRTHDAY_NEAR
        return _W_BIRTHDAY_DIFF

    def address(self, a: _Prepared, b: _Prepared) -> tuple[float, str]:
        street = number = _MISSING
        if a.street and b.street:
            if a.street == b.street:
                street = _EXACT
            else:
                similarity = max(
                    fuzz.token_set_ratio(a.street, b.street),
                    fuzz.ratio(a.street.replace(" ", ""), b.street.replace(" ", "")),
                )
                street = _TYPO if similarity >= 85 else _DIFF
        if a.numbers and b.numbers:
            number = _EXACT if a.numbers & b.numbers else _DIFF
        postcode = city = _MISSING
        if a.postcode and b.postcode:
            postcode = _EXACT if a.postcode == b.postcode else _DIFF
        if a.city and b.city:
            if a.city == b.city:
                city = _EXACT
            else:
                city = _TYPO if _similar(a.city, b.city) == _TYPO else _DIFF
        locality_bits = 0.0
        if postcode == _EXACT and city != _DIFF:
            u = self.u(self.postcode_counts, a.postcode, _U_POSTCODE)
            if city != _MISSING:
                u = min(u, self.u(self.city_counts, a.city, _U_CITY))
            locality_bits = _bits(_M_LOCALITY, u)
        elif postcode == _EXACT or (city == _EXACT and postcode != _DIFF):
            # One of the two agrees, the other differs or is unknown: a typo or a neighbour.
            if postcode == _EXACT:
                u = self.u(self.postcode_counts, a.postcode, _U_POSTCODE)
            else:
                u = self.u(self.city_counts, a.city, _U_CITY)
            locality_bits = _bits(_M_LOCALITY, u) - (2.0 if _DIFF in (postcode, city) else 0.0)
        elif city in (_EXACT, _TYPO):
            locality_bits = 2.0  # same city, different postcodes (a big city)
        street_agrees = street in (_EXACT, _TYPO)
        if street_agrees and number == _EXACT:
            # The street pins the locality down: a typo in the postcode is not a disagreement.
            return max(_W_ADDRESS, locality_bits + _W_STREET_ONLY), "same-address"
        if street_agrees or (number == _EXACT and street == _MISSING):
            bits = locality_bits + (_W_STREET_ONLY if street_agrees else 1.0)
            if number == _DIFF:
                bits -= 2.0
            return bits, "same-locality" if locality_bits > 0 else ""
        if locality_bits > 0:
            return locality_bits - (2.0 if street == _DIFF else 0.0), "same-locality"
        known = [x for x in (street, postcode, city) if x != _MISSING]
        if known and all(x == _DIFF for x in known):
            return _W_ADDRESS_DIFF, ""
        return 0.0, ""

    def organisation(self, a: str, b: str) -> float:
        if a == b or fuzz.token_set_ratio(a, b) >= 90:
            u = self.u(self.organisation_counts, a, _U_ORGANISATION)
            return _bits(_M_ORGANISATION, u)
        return _W_ORGANISATION_DIFF

    def emails(self, a: _Prepared, b: _Prepared) -> float:
        if a.locals & b.locals:
            return _W_EMAIL_SAME_LOCAL
        if (a.locals & b.local_forms) or (b.locals & a.local_forms):
            return _W_EMAIL_SIMILAR
        if a.locals and b.locals:
            return _W_EMAIL_DIFF
        return 0.0

    def score(self, a: _Prepared, b: _Prepared) -> tuple[float, tuple[str, ...]]:
        exact: list[str] = []
        if a.emails & b.emails:
            exact.append("same-email")
        if a.phones & b.phones:
            exact.append("same-phone")
        if a.linkedin & b.linkedin:
            exact.append("same-linkedin")

        bits, given_level, reasons = self.names(a, b)
        personal: list[tuple[float, str]] = []  # evidence a relative or colleague would not share
        place: list[tuple[float, str]] = []  # evidence they would
        if a.birthday and b.birthday:
            value = self.birthday(a.birthday, b.birthday)
            label = "same-birthday" if value >= _W_BIRTHDAY_DAY_MONTH else "similar-birthday"
            personal.append((value, label if value > 0 else ""))
        if a.street or b.street or a.postcode or b.postcode or a.city or b.city:
            place.append(self.address(a, b))
        if a.organisation and b.organisation:
            value = self.organisation(a.organisation, b.organisation)
            place.append((value, "same-organisation" if value > 0 else ""))
        if "same-email" not in exact:
            value = self.emails(a, b)
            personal.append((value, "similar-email" if value > 0 else ""))
            if a.emails and b.emails and value <= 0:
                personal.append((_W_EMAIL_DIFF, ""))
        if a.phones and b.phones and "same-phone" not in exact:
            personal.append((_W_PHONE_DIFF, ""))
        if a.linkedin and b.linkedin and "same-linkedin" not in exact:
            personal.append((_W_LINKEDIN_DIFF, ""))

        given_disagree = given_level == _DIFF
        if given_disagree:
            place = [(v * _PLACE_DISCOUNT if v > 0 else v, label) for v, label in place]
            # A shared mailbox or line between two given names is not decisive.
            if "same-email" in exact:
                personal.append((_W_SHARED_EMAIL, "same-email"))
                exact.remove("same-email")
            if "same-phone" in exact:
                personal.append((_W_SHARED_PHONE, "same-phone"))
                exact.remove("same-phone")
        evidence = sorted(personal + place, key=lambda item: -item[0])
        bits += sum(value for value, _ in evidence)
        reasons.extend(label for value, label in evidence if label and value > 0)
        if exact:
            return 1.0, tuple(exact + [r for r in reasons if r not in exact])
        probability = 1.0 / (1.0 + 2.0 ** -(bits + PRIOR_BITS))
        return min(probability, FUZZY_CEILING), tuple(dict.fromkeys(reasons))


# Entry points --------------------------------------------------------------------------------


@dataclass
class Result:
    candidates: list[Candidate]
    records: int = 0
    compared: int = 0  # candidate pairs scored (after blocking, minus ignored pairs)
    blocked_pairs: int = 0  # pairs blocking proposed
    timings: dict[str, float] = field(default_factory=dict)


def dedupe(
    records: Iterable[Record],
    *,
    ignore: Iterable[tuple[int, int]] = frozenset(),
    threshold: float = REVIEW_THRESHOLD,
) -> Result:
    """`find_candidates()` with the counts a benchmark or a log wants."""
    import time

    started = time.perf_counter()
    prepared = [_prepare(r) for r in records]
    ids = [p.record.id for p in prepared]
    if len(set(ids)) != len(ids):
        raise ValueError("Record ids must be unique.")
    skip = {(min(x, y), max(x, y)) for x, y in ignore}
    prepared_at = time.perf_counter()
    pairs = candidate_pairs(prepared)
    blocked_at = time.perf_counter()
    scorer = _Scorer(prepared)
    candidates: list[Candidate] = []
    compared = 0
    for x, y in pairs:
        a, b = prepared[x], prepared[y]
        if a.record.id > b.record.id:
            a, b = b, a
        if (a.record.id, b.record.id) in skip:
            continue
        compared += 1
        score, reasons = scorer.score(a, b)
        if score >= threshold:
            candidates.append(Candidate(a.record.id, b.record.id, score, reasons))
    candidates.sort(key=lambda c: (-c.score, c.a, c.b))
    finished = time.perf_counter()
    return Result(
        candidates=candidates,
        records=len(prepared),
        compared=compared,
        blocked_pairs=len(pairs),
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
    1.0 share an EXACT key; those at or above REVIEW_THRESHOLD are for the member to review.
    """
    return dedupe(records, ignore=ignore, threshold=threshold).candidates


def score_pair(a: Record, b: Record) -> Candidate:
    """Two records scored on their own, as if in a list of ordinary size (for the review page
    and tests; `find_candidates()` also weighs how common each name is in the list)."""
    pa, pb = _prepare(a), _prepare(b)
    if a.id > b.id:
        pa, pb = pb, pa
    score, reasons = _Scorer([pa, pb]).score(pa, pb)
    return Candidate(pa.record.id, pb.record.id, score, reasons)


def is_exact(candidate: Candidate) -> bool:
    """Whether a pair shares a decisive key and merges on import."""
    return candidate.score >= 1.0 and bool(EXACT & set(candidate.reasons))

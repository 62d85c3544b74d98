"""A demo member's objectives and the outcomes they recorded by hand, planned in plain Python
like the network itself (``networks.py``): a network plan, its vocabulary, a date and a seed in,
dataclasses out; the same inputs give the same plan.

The outcomes the goals app derives from the network's writes (new contacts, reactivations,
meetings) are not planned here: the loader has the goals app record them from what it wrote,
by the goals app's own rules. Planned here is the rest of a year of tending:

- the vocabulary's objectives, each with contacts who fit it (the people it names, then
  contacts whose headline or job title has its words, then its circles), preferring those the
  member saw since it started and keeping one who is due for a call, so that the tend queue can
  say "they could help with ...";
- for each, outcomes on the way (a lead, an introduction...) on days the member saw one of its
  contacts, and for a reached objective the outcome that reached it, on its closing day;
- outcomes unrelated to any objective, a few each month, each on the day of an interaction
  with the people it names.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import defaultdict
from dataclasses import dataclass

from entregent.demo.networks import DORMANT, DUE, ContactPlan, NetworkPlan, event_name
from entregent.demo.vocabulary import ObjectiveIdea, Vocabulary, inflect, pick_template
from entregent.lib.dates import months_before

HISTORY_MONTHS = 12
# Outcomes recorded by hand besides the objectives' own, per month, and their kinds.
OTHER_OUTCOMES_PER_MONTH = (1, 2, 2, 3)
OTHER_OUTCOME_KINDS = {
    "introduction": 5,
    "lead_client": 3,
    "other": 3,
    "lead_supplier": 2,
    "partnership": 1,
    "lead_job": 1,
}
PROGRESS_OUTCOMES = {"open": (1, 3), "reached": (1, 2), "dropped": (0, 1)}


@dataclass
class ObjectivePlan:
    kind: str
    title: str
    criteria: str
    status: str
    created_on: dt.date
    closed_on: dt.date | None
    target_on: dt.date | None
    contacts: list[int]


@dataclass
class OutcomePlan:
    kind: str
    occurred_on: dt.date
    contacts: list[int]
    note: str
    objective: int | None = None


@dataclass
class TendingPlan:
    objectives: list[ObjectivePlan]
    outcomes: list[OutcomePlan]


def plan_tending(
    plan: NetworkPlan, vocabulary: Vocabulary, *, today: dt.date, seed: str
) -> TendingPlan:
    """Objectives and hand-recorded outcomes for ``plan``; none when the vocabulary has no
    objectives."""
    rng = random.Random(f"{seed}:{vocabulary.language}:tending")
    planner = _Planner(plan, vocabulary, rng, today)
    for idea in vocabulary.objectives:
        planner.add_objective(idea)
    if vocabulary.objectives:
        planner.add_other_outcomes()
    planner.outcomes.sort(key=lambda o: (o.occurred_on, o.kind, o.contacts))
    return TendingPlan(objectives=planner.objectives, outcomes=planner.outcomes)


class _Planner:
    def __init__(
        self, plan: NetworkPlan, vocabulary: Vocabulary, rng: random.Random, today: dt.date
    ) -> None:
        self.plan = plan
        self.v = vocabulary
        self.rng = rng
        self.today = today
        self.objectives: list[ObjectivePlan] = []
        self._freelance = {inflect(vocabulary.freelance, female) for female in (False, True)}
        self.outcomes: list[OutcomePlan] = []
        # Each contact's interaction days, and each interaction's index, oldest first.
        self.seen: dict[int, list[dt.date]] = defaultdict(list)
        for interaction in plan.interactions:
            for index in interaction.contacts:
                self.seen[index].append(interaction.occurred_on)

    # Objectives ----------------------------------------------------------------------------

    def add_objective(self, idea: ObjectiveIdea) -> None:
        rng, today = self.rng, self.today
        created_on = today - dt.timedelta(days=idea.started_days_ago)
        closed_on = None
        if idea.status != "open" and idea.closed_days_ago is not None:
            closed_on = today - dt.timedelta(days=idea.closed_days_ago)
        contacts = self._contacts_for(idea, created_on, closed_on or today)
        position = len(self.objectives)
        if idea.status == "reached" and contacts:
            # Reached on a day the member saw the one who made it happen, near the planned day.
            key = contacts[0]
            days = self._seen_between(key, created_on + dt.timedelta(days=14), today)
            if days and closed_on is not None:
                planned = closed_on
                closed_on = min(days, key=lambda day: (abs((day - planned).days), day))
            self.outcomes.append(
                OutcomePlan(
                    idea.reached_kind or idea.progress_kind,
                    closed_on or today,
                    [key],
                    idea.reached_note,
                    position,
                )
            )
        end = closed_on or today
        low, high = PROGRESS_OUTCOMES[idea.status]
        for _ in range(rng.randint(low, high)):
            moments = [
                (day, index)
                for index in contacts
                for day in self._seen_between(index, created_on, end - dt.timedelta(days=1))
            ]
            if not moments:
                break
            day, index = rng.choice(sorted(moments))
            notes = idea.notes or self.v.outcome_notes.get(idea.progress_kind, ())
            self.outcomes.append(
                OutcomePlan(idea.progress_kind, day, [index], self._note(notes, index), position)
            )
        target_on = None
        if idea.target_in_days is not None:
            target_on = today + dt.timedelta(days=idea.target_in_days)
        self.objectives.append(
            ObjectivePlan(
                kind=idea.kind,
                title=idea.title,
                criteria=idea.criteria,
                status=idea.status,
                created_on=created_on,
                closed_on=closed_on if idea.status != "open" else None,
                target_on=target_on,
                contacts=contacts,
            )
        )

    def _contacts_for(self, idea: ObjectiveIdea, start: dt.date, end: dt.date) -> list[int]:
        """The people named, then others who fit: first those seen while the objective was
        open, and, for an open objective, one who is due for a call."""
        rng = self.rng
        contacts = self.plan.contacts
        live = [n for n, c in enumerate(contacts) if c.archived_on is None]
        by_name: dict[str, int] = {}
        for n in live:
            by_name.setdefault(contacts[n].display_name, n)
        chosen = [by_name[name] for name in idea.people if name in by_name]
        pattern = _words_pattern(idea.words)
        fitting = [n for n in live if n not in chosen and _fits(contacts[n], pattern)]
        in_circle = [
            n
            for n in live
            if n not in chosen and n not in fitting and contacts[n].circle in idea.circles
        ]
        rng.shuffle(fitting)
        rng.shuffle(in_circle)
        pool = fitting + in_circle
        seen = [n for n in pool if self._seen_between(n, start, end)]
        wanted = max(idea.contacts, len(chosen))
        for n in seen[: max(0, wanted - len(chosen) - 1)]:
            chosen.append(n)
        if idea.status == "open":
            drifting = [n for n in pool if contacts[n].status in (DUE, DORMANT)]
            chosen += [n for n in drifting if n not in chosen][:1]
        chosen += [n for n in pool if n not in chosen][: max(0, wanted - len(chosen))]
        return chosen

    # Outcomes unrelated to objectives ------------------------------------------------------

    def add_other_outcomes(self) -> None:
        rng, today = self.rng, self.today
        introductions = [i for i in self.plan.interactions if i.kind == "introduction"]
        for month in range(HISTORY_MONTHS):
            end = months_before(today, month)
            start = months_before(today, month + 1) + dt.timedelta(days=1)
            window = [i for i in self.plan.interactions if start <= i.occurred_on <= end]
            if not window:
                continue
            for _ in range(rng.choice(OTHER_OUTCOMES_PER_MONTH)):
                kind = rng.choices(list(OTHER_OUTCOME_KINDS), list(OTHER_OUTCOME_KINDS.values()))[
                    0
                ]
                met = [i for i in introductions if start <= i.occurred_on <= end]
                if kind == "introduction" and met:
                    # The member's introductions were written down as interactions too.
                    interaction = rng.choice(met)
                    people = sorted(interaction.contacts)
                else:
                    interaction = rng.choice(window)
                    people = [rng.choice(interaction.contacts)]
                # Recorded on the day, or a few days later when the lead came.
                day = min(end, interaction.occurred_on + dt.timedelta(days=rng.randint(0, 6)))
                note = self._note(self.v.outcome_notes.get(kind, ()), people[0])
                self.outcomes.append(OutcomePlan(kind, day, people, note))

    # Helpers -------------------------------------------------------------------------------

    def _seen_between(self, index: int, start: dt.date, end: dt.date) -> list[dt.date]:
        return sorted({day for day in self.seen.get(index, ()) if start <= day <= end})

    def _note(self, templates: tuple[str, ...], index: int) -> str:
        rng = self.rng
        contact = self.plan.contacts[index]
        event = rng.choice(self.v.events)
        # A freelance's "organisation" is the word for being one: not a place to work at.
        employer = contact.organisation
        if not employer or employer in self._freelance:
            employer = rng.choice(self.v.organisations).name
        fields = {
            "name": contact.display_name,
            "org": employer,
            "project": rng.choice(self.v.projects),
            "topic": rng.choice(self.v.topics),
            "event": event,
            "event_name": event_name(event),
            "city": contact.location or rng.choice(self.v.cities),
        }
        return pick_template(rng, templates, contact.female, fields) if templates else ""


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Whole words, or word beginnings for those ending in "*" ("fondat*": fondatrice)."""
    if not words:
        return None
    alternatives = (re.escape(w[:-1]) if w.endswith("*") else re.escape(w) + r"\b" for w in words)
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def _fits(contact: ContactPlan, pattern: re.Pattern[str] | None) -> bool:
    text = f"{contact.headline} {contact.job_title}"
    return pattern is not None and pattern.search(text) is not None

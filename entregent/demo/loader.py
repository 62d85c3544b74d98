"""Writing demo members and their planned networks to the database.

Networks are written with ``bulk_create``: no ``save()``, no signals. That is why contact
points are normalised here, and why each contact's last interaction date, keep-in-touch dates
and the member's search documents are rebuilt at the end, as the network app's signals would
have done one write at a time. For the same reason the goals app is then asked to record the
outcomes its signals would have derived (new contacts, reactivations, meetings), before the
planned objectives and hand-recorded outcomes are written and a year of daily health
snapshots is reconstructed.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from entregent.accounts.models import Notification, User
from entregent.demo import words_en, words_fr
from entregent.demo.networks import NetworkPlan, plan_network
from entregent.demo.tending import TendingPlan, plan_tending
from entregent.demo.vocabulary import Vocabulary
from entregent.goals.models import Digest, HealthSnapshot, Objective, Outcome
from entregent.goals.outcomes import record_outcomes_in_bulk
from entregent.goals.snapshots import backfill_snapshots
from entregent.lib.contact_points import normalise
from entregent.network.models import Contact, ContactPoint, Interaction, Relationship, Tag
from entregent.network.search import reindex_owner

PASSWORD = "entregent-demo"
DEFAULT_SEED = "entregent-demo"
DEFAULT_CONTACTS = 320
# Days of health history reconstructed for the report's chart, today included.
SNAPSHOT_DAYS = 365


@dataclass(frozen=True)
class DemoMember:
    email: str
    display_name: str
    language: str
    time_zone: str
    role: str
    superuser: bool = False
    vocabulary: Vocabulary | None = None
    # A full network of --contacts contacts, or a handful for a persona that needs no more.
    full_network: bool = False
    few_contacts: int = 0


MEMBERS = (
    DemoMember(
        "admin@demo.entregent.org", "Admin (demo)", "en", "Europe/Paris", "admin", superuser=True
    ),
    DemoMember(
        "facilitator@demo.entregent.org",
        "Fatou Ndiaye",
        "fr",
        "Europe/Paris",
        "facilitator",
        vocabulary=words_fr.VOCABULARY,
        few_contacts=6,
    ),
    # Moderates the demo method (entregent/demo/method.py); no network.
    DemoMember(
        "moderation@demo.entregent.org", "Nora Mansouri", "fr", "Europe/Paris", "moderator"
    ),
    DemoMember(
        "camille@demo.entregent.org",
        "Camille Laurent",
        "fr",
        "Europe/Paris",
        "member",
        vocabulary=words_fr.VOCABULARY,
        full_network=True,
    ),
    DemoMember(
        "sam@demo.entregent.org",
        "Sam Taylor",
        "en",
        "Europe/London",
        "member",
        vocabulary=words_en.VOCABULARY,
        full_network=True,
    ),
)
DEMO_EMAILS = tuple(member.email for member in MEMBERS)


@dataclass(frozen=True)
class MemberSummary:
    email: str
    role: str
    contacts: int
    interactions: int
    tags: int
    relationships: int
    due: int
    dormant: int
    archived: int
    objectives: int = 0
    objectives_reached: int = 0
    outcomes: int = 0
    snapshots: int = 0


def load_demo(
    *, contacts: int = DEFAULT_CONTACTS, seed: str = DEFAULT_SEED, today: dt.date | None = None
) -> list[MemberSummary]:
    """Create or refresh the demo members; their networks are replaced, nobody else's."""
    today = today or timezone.localdate()
    summaries = []
    # One hash for the four accounts: hashing is deliberately slow, a second each.
    password = make_password(PASSWORD)
    with transaction.atomic():
        for member in MEMBERS:
            user = ensure_user(member, password)
            clear_network(user)
            if member.vocabulary and (member.full_network or member.few_contacts):
                member_seed = f"{seed}:{member.email}"
                plan = plan_network(
                    member.vocabulary,
                    size=contacts if member.full_network else member.few_contacts,
                    today=today,
                    seed=member_seed,
                    with_people=member.full_network,
                )
                contact_rows = write_network(user, plan)
                if member.full_network:
                    tending = plan_tending(plan, member.vocabulary, today=today, seed=member_seed)
                    write_tending(user, tending, contact_rows, today)
            summaries.append(summarise(user, member.role, today))
    return summaries


def ensure_user(member: DemoMember, password: str | None = None) -> User:
    user = User.objects.filter(email__iexact=member.email).first() or User(email=member.email)
    user.display_name = member.display_name
    user.language = member.language
    user.time_zone = member.time_zone
    user.is_active = True
    user.is_staff = user.is_superuser = member.superuser
    user.password = password or make_password(PASSWORD)
    user.save()
    # allauth's own record of the address, verified: mandatory verification lets them in.
    EmailAddress.objects.filter(user=user).exclude(email__iexact=member.email).delete()
    EmailAddress.objects.update_or_create(
        user=user, email=member.email, defaults={"verified": True, "primary": True}
    )
    return user


def clear_network(user: User) -> None:
    # Through the ORM rather than raw SQL, so that other apps' cascades and signals still run.
    # What the goals app keeps goes first, without signals to send. Contacts go next: their
    # interactions then have no contacts left whose last interaction date (and outcomes) the
    # delete signals would recompute, one interaction at a time.
    Outcome.objects.filter(owner=user).delete()
    Objective.objects.filter(owner=user).delete()
    HealthSnapshot.objects.filter(owner=user).delete()
    Digest.objects.filter(owner=user).delete()
    # The bell's messages announce digests and outcomes that are gone.
    Notification.objects.filter(recipient=user).delete()
    Contact.objects.filter(owner=user).delete()
    Interaction.objects.filter(owner=user).delete()
    Relationship.objects.filter(owner=user).delete()
    Tag.objects.filter(owner=user).delete()


def write_network(user: User, plan: NetworkPlan, batch_size: int = 2000) -> list[Contact]:
    """Bulk-create a planned network for ``user``; returns its contacts in plan order."""
    zone = zoneinfo.ZoneInfo(user.time_zone)

    def at(day: dt.date, minute: int) -> dt.datetime:
        return _at(day, minute, zone)

    cadences = plan.tag_cadences
    tags = Tag.objects.bulk_create(
        [Tag(owner=user, name=name, cadence=cadences.get(name)) for name in plan.tags]
    )
    tag_ids = {tag.name: tag.pk for tag in tags}

    contacts = Contact.objects.bulk_create(
        [
            Contact(
                owner=user,
                given_name=c.given_name,
                family_name=c.family_name,
                display_name=c.display_name,
                headline=c.headline,
                organisation=c.organisation,
                job_title=c.job_title,
                location=c.location,
                birthday_day=c.birthday[0] if c.birthday else None,
                birthday_month=c.birthday[1] if c.birthday else None,
                birthday_year=c.birthday[2] if c.birthday else None,
                met_story=c.met_story,
                met_on=c.met_on,
                tie_strength=c.tie_strength,
                trust_rating=c.trust_rating,
                trust_note=c.trust_note,
                trust_noted_on=c.trust_noted_on,
                notes=c.notes,
                cadence=c.cadence,
                source=c.source,
                connected_on=c.connected_on,
                reviewed_on=c.reviewed_on,
                snoozed_until=c.snoozed_until,
                archived_at=at(c.archived_on, 18 * 60) if c.archived_on else None,
                created_at=at(c.created_on, c.created_minute),
            )
            for c in plan.contacts
        ],
        batch_size=batch_size,
    )
    introduced = []
    for contact, planned in zip(contacts, plan.contacts, strict=True):
        if planned.introduced_by is not None:
            contact.introduced_by = contacts[planned.introduced_by]
            introduced.append(contact)
    Contact.objects.bulk_update(introduced, ["introduced_by"], batch_size=batch_size)

    Contact.tags.through.objects.bulk_create(
        [
            Contact.tags.through(contact_id=contact.pk, tag_id=tag_ids[name])
            for contact, planned in zip(contacts, plan.contacts, strict=True)
            for name in planned.tags
        ],
        batch_size=batch_size,
    )
    points = []
    for contact, planned in zip(contacts, plan.contacts, strict=True):
        for position, point in enumerate(planned.points):
            kind, value = normalise(point.kind, point.raw)
            points.append(
                ContactPoint(
                    contact=contact,
                    kind=kind,
                    label=point.label,
                    raw=point.raw,
                    value=value,
                    position=position,
                )
            )
    ContactPoint.objects.bulk_create(points, batch_size=batch_size)

    interactions = Interaction.objects.bulk_create(
        [
            Interaction(
                owner=user,
                occurred_on=i.occurred_on,
                kind=i.kind,
                summary=i.summary[:300],
                notes=i.notes,
            )
            for i in plan.interactions
        ],
        batch_size=batch_size,
    )
    Interaction.contacts.through.objects.bulk_create(
        [
            Interaction.contacts.through(interaction_id=interaction.pk, contact_id=contacts[n].pk)
            for interaction, planned_interaction in zip(
                interactions, plan.interactions, strict=True
            )
            for n in planned_interaction.contacts
        ],
        batch_size=batch_size,
    )
    Relationship.objects.bulk_create(
        [
            Relationship(
                owner=user,
                from_contact=contacts[r.from_contact],
                to_contact=contacts[r.to_contact],
                kind=r.kind,
                note=r.note,
            )
            for r in plan.relationships
        ],
        batch_size=batch_size,
    )
    # Last edited when added, unless the member came back to it: auto_now stamped the load.
    # (update() and bulk_update() leave auto_now alone.) The pruning review reads it.
    Contact.objects.filter(owner=user).update(updated_at=F("created_at"))
    edited = []
    for contact, planned in zip(contacts, plan.contacts, strict=True):
        if planned.updated_on is not None:
            contact.updated_at = at(planned.updated_on, 17 * 60 + planned.created_minute % 60)
            edited.append(contact)
    Contact.objects.bulk_update(edited, ["updated_at"], batch_size=batch_size // 8)
    Contact.objects.filter(owner=user).refresh_last_interaction()
    Contact.objects.filter(owner=user).refresh_schedule()
    reindex_owner(user.pk)
    return contacts


def write_tending(
    user: User, tending: TendingPlan, contacts: list[Contact], today: dt.date
) -> None:
    """A year of tending: the outcomes the goals app derives from the network just written,
    the planned objectives and hand-recorded outcomes, and the daily health snapshots."""
    zone = zoneinfo.ZoneInfo(user.time_zone)
    record_outcomes_in_bulk(user)
    objectives = Objective.objects.bulk_create(
        [
            Objective(
                owner=user,
                kind=o.kind,
                title=o.title,
                criteria=o.criteria,
                status=o.status,
                target_on=o.target_on,
                closed_on=o.closed_on,
                created_at=_at(o.created_on, 9 * 60 + 30, zone),
            )
            for o in tending.objectives
        ]
    )
    Objective.contacts.through.objects.bulk_create(
        [
            Objective.contacts.through(objective_id=objective.pk, contact_id=contacts[n].pk)
            for objective, planned in zip(objectives, tending.objectives, strict=True)
            for n in planned.contacts
        ]
    )
    outcomes = Outcome.objects.bulk_create(
        [
            Outcome(
                owner=user,
                kind=o.kind,
                occurred_on=o.occurred_on,
                note=o.note,
                objective=objectives[o.objective] if o.objective is not None else None,
                created_at=_at(o.occurred_on, 18 * 60 + 45, zone),
            )
            for o in tending.outcomes
        ]
    )
    Outcome.contacts.through.objects.bulk_create(
        [
            Outcome.contacts.through(outcome_id=outcome.pk, contact_id=contacts[n].pk)
            for outcome, planned in zip(outcomes, tending.outcomes, strict=True)
            for n in planned.contacts
        ]
    )
    backfill_snapshots(user, today - dt.timedelta(days=SNAPSHOT_DAYS - 1), today)


def _at(day: dt.date, minute: int, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=zone)


def summarise(user: User, role: str, today: dt.date) -> MemberSummary:
    contacts = Contact.objects.owned_by(user)
    return MemberSummary(
        email=user.email,
        role=role,
        contacts=contacts.count(),
        interactions=Interaction.objects.owned_by(user).count(),
        tags=Tag.objects.filter(owner=user).count(),
        relationships=Relationship.objects.filter(owner=user).count(),
        due=contacts.due(today).count(),
        dormant=contacts.dormant(today).count(),
        archived=contacts.archived().count(),
        objectives=Objective.objects.owned_by(user).count(),
        objectives_reached=Objective.objects.owned_by(user)
        .filter(status=Objective.Status.REACHED)
        .count(),
        outcomes=Outcome.objects.owned_by(user).count(),
        snapshots=HealthSnapshot.objects.owned_by(user).count(),
    )

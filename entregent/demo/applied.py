"""Step 1 of the demo's method, applied and judged: version 1 failed, version 2 succeeded.

Members applied each validated version of step 1 (« Cartographier son réseau ») in their own
network, and debriefed it once its 30-day window had ended. What they obtained is measured from
what they logged, as for any member: each of them has a small network of their own (ten
LinkedIn connections imported the day after they started: eight dormant ties and two people
seen lately), and every reactivation, meeting and new contact in their debriefs is an outcome
that the goals app derived from an interaction they logged. A few corrected a number (a call
they had not logged) and say so. Their texts are their own words, in French: most private,
some shared with the facilitators, some published anonymously or signed.

Version 1 (validated 121 days ago, replaced 63 days ago): 12 members applied it, 10 debriefed
after their window, 2 of them reached two reactivations (one through a correction): 20%
against 60% expected, the version **failed**. Version 2: 18 members applied it (Camille
among them, 15 days ago), 15 debriefed, 14 after their window, of whom 13 reached the count
(one through a correction): the version **succeeded**; one debriefed early and waits.

Releases are made as the site makes them: after each debrief, in the order they were written,
``releases.consider_release`` decides (5 members for anything, 5 new ones for a change), and
each release is dated when that debrief was. Then the facilitator publishes a progress report
that says so (its figures frozen from the releases), and keeps a draft about step 2.

Nothing is random here: the plan is a table, and the same day gives the same data.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import F

from entregent.accounts.models import Notification, User
from entregent.demo.loader import write_network
from entregent.demo.networks import ContactPlan, InteractionPlan, NetworkPlan
from entregent.goals.models import HealthSnapshot, Objective, Outcome
from entregent.goals.outcomes import record_outcomes_in_bulk
from entregent.method import adoptions, releases, reports
from entregent.method.models import (
    Adoption,
    ChecklistItem,
    Debrief,
    Method,
    ProgressReport,
    ResultsRelease,
    StepVersion,
)
from entregent.network.models import Contact, Interaction, Tag

ZONE = zoneinfo.ZoneInfo("Europe/Paris")
PRIVATE = Debrief.Visibility.PRIVATE
SHARED = Debrief.Visibility.FACILITATORS
ANONYMOUS = Debrief.Visibility.ANONYMOUS
SIGNED = Debrief.Visibility.SIGNED
WORKED = Debrief.Assessment.WORKED
PARTLY = Debrief.Assessment.PARTLY
DID_NOT = Debrief.Assessment.DID_NOT

# The report is published this many days ago, its draft written the day before.
REPORT_DAYS_AGO = 3
# Debriefs are written in the evening; the release one allows follows it within the minute.
DEBRIEF_HOUR = 18
RELEASE_DELAY = dt.timedelta(seconds=20)


@dataclass(frozen=True)
class Words:
    obtained: str
    problems: str = ""
    solutions: str = ""


@dataclass(frozen=True)
class Applied:
    """One member applying one version of step 1, and what came of it."""

    handle: str
    version: int
    adopted_days_ago: int
    # Dormant contacts reactivated within the 30-day window, and after it (before debriefing).
    window: int = 0
    after: int = 0
    # Meetings in person with contacts seen lately, and contacts added by hand, in the window.
    meetings: int = 0
    new: int = 0
    # Days after adopting that the member debriefed (None: never: a silent adopter).
    debrief_after: int | None = None
    abandoned_after: int | None = None
    # The numbers the member corrected ("window": the verdict's number).
    corrected: dict[str, int] = field(default_factory=dict)
    assessment: str = PARTLY
    usefulness: int = 3
    visibility: str = PRIVATE
    words: Words = Words("")
    # Items of the checklist the member ticked.
    ticked: int = 3


PLAN: tuple[Applied, ...] = (
    # Version 1: 10 debriefed after their window, 2 reached the count; 2 never debriefed.
    Applied(
        "thomas", 1, 120, window=2, after=1, meetings=1, debrief_after=33,
        assessment=WORKED, usefulness=4, visibility=SIGNED, ticked=6,
        words=Words(
            "Une carte de 140 personnes, et deux anciens collègues retrouvés : l'un m'a proposé "
            "de présenter mon travail à son équipe.",
            "L'inventaire m'a pris trois soirées au lieu de deux heures. Noter la force du lien "
            "de 1 à 5 m'a paru naturel, mais long.",
            "J'ai complété les fiches par lots de vingt, le matin dans le train.",
        ),
    ),
    Applied(
        "elodie", 1, 119, window=1, debrief_after=32,
        corrected={"window": 2, "reactivation": 2}, usefulness=4, visibility=SHARED, ticked=5,
        words=Words(
            "Deux liens réactivés, dont un par téléphone que je n'avais pas noté : je l'ai "
            "ajouté à la main dans ce bilan.",
            "Je n'ai repéré que six liens dormants, pas dix : au-delà, je ne savais plus qui "
            "méritait un message.",
            "Commencer par les anciens collègues, plus faciles à retrouver.",
        ),
    ),
    Applied(
        "julien", 1, 118, debrief_after=31, abandoned_after=12, assessment=DID_NOT,
        usefulness=2, visibility=ANONYMOUS, ticked=2,
        words=Words(
            "Un fichier propre de mes contacts LinkedIn, c'est tout.",
            "Avec 600 contacts, l'import et le tri ont pris toute la place : je n'ai jamais "
            "atteint l'étape des messages, et j'ai abandonné au bout de deux semaines.",
            "Aucune pour cette version. Il faudrait dire combien de personnes compléter.",
        ),
    ),
    Applied(
        "karim", 1, 117, window=1, debrief_after=34, ticked=4,
        words=Words(
            "Un ancien client m'a répondu, content d'avoir des nouvelles.",
            "Les deux autres messages sont restés sans réponse et je n'ai pas relancé.",
        ),
    ),
    Applied(
        "sophie", 1, 116, window=1, debrief_after=35, ticked=3,
        words=Words(
            "Une amie de formation retrouvée, nous déjeunons le mois prochain.",
            "La note de 1 à 5 m'a bloquée : je n'arrivais pas à noter des gens que j'apprécie, "
            "alors j'ai laissé la carte en plan.",
            "J'ai remplacé la note par trois mots à moi : proche, à revoir, perdu de vue.",
        ),
    ),
    Applied(
        "nadia", 1, 115, debrief_after=36, assessment=DID_NOT, usefulness=2,
        visibility=ANONYMOUS, ticked=3,
        words=Words(
            "Rien de mesurable. La carte, oui, mais elle dort dans un coin.",
            "Noter mes amis m'a mise mal à l'aise, et l'exercice m'a pris trop de temps pour "
            "l'énergie que j'avais ce mois-là.",
            "Je reprendrai avec une version plus courte.",
        ),
    ),
    Applied(
        "mathieu", 1, 114, window=1, debrief_after=31, ticked=3,
        words=Words(
            "Un ancien associé recontacté.",
            "Pas eu le temps de finir l'inventaire.",
            "Bloquer le créneau dans l'agenda, ce que je n'avais pas fait.",
        ),
    ),
    Applied(
        "antoine", 1, 113, meetings=1, debrief_after=32, corrected={"meeting": 2},
        assessment=DID_NOT, ticked=4,
        words=Words(
            "J'ai enfin une vue claire de qui je connais.",
            "J'ai passé tout le temps sur les fiches et n'ai écrit à personne.",
        ),
    ),
    Applied(
        "hugo", 1, 112, window=1, debrief_after=33, assessment=DID_NOT, usefulness=2, ticked=2,
        words=Words("Un message envoyé, une réponse.", "Trop long pour moi en ce moment."),
    ),
    Applied(
        "marion", 1, 111, new=1, debrief_after=34, assessment=DID_NOT, usefulness=4,
        visibility=SHARED, ticked=5,
        words=Words(
            "Une carte complète de 180 personnes, classées par cercle.",
            "Je voulais une carte parfaite avant d'écrire : je n'ai envoyé aucun message dans "
            "le mois.",
            "Écrire les trois messages dès la première semaine, même si la carte n'est pas "
            "finie.",
        ),
    ),
    Applied("olivier", 1, 116, abandoned_after=9, ticked=1),
    Applied("franck", 1, 110, window=1, ticked=2),
    # Version 2: 14 debriefed after their window, 13 reached the count; one debriefed early;
    # three never debriefed (Camille, who started a fortnight ago, among them).
    Applied(
        "julien", 2, 62, window=3, meetings=1, debrief_after=31, assessment=WORKED,
        usefulness=5, visibility=SIGNED, ticked=5,
        words=Words(
            "Trois anciens collègues recontactés dans le mois, dont un qui m'a présenté à son "
            "nouveau directeur.",
            "Toujours la tentation de tout compléter.",
            "Je me suis tenu aux cinquante personnes qui comptent, comme le dit la version 2, "
            "et j'ai écrit dès le troisième jour.",
        ),
    ),
    Applied(
        "amelie", 2, 61, window=4, meetings=2, new=1, debrief_after=32, assessment=WORKED,
        usefulness=5, visibility=SIGNED, ticked=5,
        words=Words(
            "Quatre personnes recontactées, deux cafés, et une piste de mission.",
            "L'export en tableur puis le réimport m'ont demandé un peu de manipulation.",
            "J'ai trié dans le tableur, puis réimporté seulement les colonnes utiles.",
        ),
    ),
    Applied(
        "karim", 2, 60, window=2, debrief_after=33, assessment=WORKED, usefulness=4, ticked=5,
        words=Words(
            "Deux clients perdus de vue depuis des années m'ont répondu.",
            "Trouver un premier message qui ne sonne pas commercial.",
            "Parler d'un souvenir précis plutôt que de mon activité.",
        ),
    ),
    Applied(
        "sophie", 2, 59, window=2, after=1, debrief_after=34, assessment=WORKED,
        usefulness=5, visibility=ANONYMOUS, ticked=5,
        words=Words(
            "Deux amies de formation retrouvées, et l'envie de continuer.",
            "Rien de bloquant cette fois : un mot plutôt qu'une note, cela a tout changé pour "
            "moi.",
            "J'ai commencé par les personnes marquées « perdu de vue ».",
        ),
    ),
    Applied(
        "nadia", 2, 58, window=2, meetings=1, debrief_after=35, assessment=WORKED,
        usefulness=4, visibility=SHARED, ticked=4,
        words=Words(
            "Deux liens réactivés, un café en vue.",
            "Le premier message reste difficile à écrire après des années.",
            "Je l'ai écrit le matin et envoyé le soir, pour ne pas trop le retravailler.",
        ),
    ),
    Applied(
        "claire", 2, 57, window=2, debrief_after=31, usefulness=4, ticked=4,
        words=Words("Deux anciennes voisines devenues des contacts professionnels."),
    ),
    Applied(
        "lea", 2, 56, window=3, debrief_after=36, assessment=WORKED, usefulness=4, ticked=5,
        words=Words(
            "Trois personnes recontactées, et une collaboration possible sur un projet "
            "associatif.",
            "J'ai hésité à recontacter une relation qui s'était mal terminée.",
            "J'ai suivi la version 2 : je l'ai laissée de côté, sans culpabiliser.",
        ),
    ),
    Applied(
        "ines", 2, 55, window=2, debrief_after=32, assessment=WORKED, usefulness=4, ticked=4,
        words=Words(
            "Deux liens renoués, dont une ancienne professeure.",
            "Peu de temps en semaine.",
            "Une demi-heure le dimanche soir.",
        ),
    ),
    Applied(
        "aicha", 2, 54, window=2, meetings=1, debrief_after=31, assessment=WORKED,
        usefulness=5, visibility=ANONYMOUS, ticked=5,
        words=Words(
            "Deux anciennes collègues retrouvées ; l'une m'a recommandée pour une formation.",
            "Je ne savais pas quoi écrire à quelqu'un que je n'avais pas vu depuis dix ans.",
            "Un souvenir commun et une question ouverte : les deux ont répondu dans la journée.",
        ),
    ),
    Applied(
        "baptiste", 2, 53, window=3, new=1, debrief_after=33, assessment=WORKED,
        usefulness=4, ticked=5,
        words=Words(
            "Trois liens réactivés et un nouveau contact rencontré grâce à l'un d'eux.",
            "Le carnet du téléphone est plein de numéros sans nom.",
            "Je les ai laissés de côté : seuls comptent ceux dont je me souviens.",
        ),
    ),
    Applied(
        "celine", 2, 52, window=2, debrief_after=34, usefulness=3, ticked=3,
        words=Words(
            "Deux réponses chaleureuses.",
            "Les échanges sont restés courts : on s'est dit qu'on se reverrait, sans date.",
        ),
    ),
    Applied(
        "mathilde", 2, 51, window=2, meetings=1, debrief_after=31, assessment=WORKED,
        usefulness=4, visibility=SHARED, ticked=5,
        words=Words(
            "Deux anciens camarades de promotion recontactés, un déjeuner déjà fait.",
            "Noter ce que je pourrais apporter à chacun m'a pris plus de temps que prévu.",
            "Je ne l'ai fait que pour les dix personnes que je voulais recontacter.",
        ),
    ),
    Applied(
        "romain", 2, 50, window=1, debrief_after=32, corrected={"window": 2, "reactivation": 2},
        usefulness=4, ticked=4,
        words=Words(
            "Deux liens réactivés ; le second, au téléphone, je ne l'avais pas noté.",
            "J'oublie de noter les appels.",
            "Noter l'échange juste après avoir raccroché.",
        ),
    ),
    Applied(
        "pauline", 2, 49, window=1, debrief_after=31, usefulness=3, ticked=3,
        words=Words(
            "Un lien réactivé.",
            "Un mois chargé : je n'ai écrit qu'à trois personnes, une seule a répondu.",
        ),
    ),
    Applied(
        "nathalie", 2, 20, window=1, debrief_after=14, usefulness=4, ticked=4,
        words=Words(
            "Premier bilan à deux semaines : une ancienne collègue m'a déjà répondu.",
            "Je n'ai pas encore écrit aux deux autres.",
        ),
    ),
    Applied("hugo", 2, 40, window=1, ticked=2),
    Applied("yannick", 2, 30, ticked=1),
    Applied("camille", 2, 15, ticked=3),
)  # fmt: skip

REPORT_TITLE = "Étape 1 : la version 1 a échoué, la version 2 a réussi"
REPORT = """\
Voici où en est l'étape 1, « Cartographier son réseau », maintenant que les membres qui l'ont
appliquée ont fait leur bilan. Les chiffres de chaque version sont ci-dessous, tels qu'ils
étaient publiés aujourd'hui.

**La version 1 a échoué.** Sur les 10 membres dont la fenêtre de 30 jours était terminée et
qui ont fait leur bilan, 2 seulement ont réactivé au moins deux liens dormants : 20 %, loin des
60 % attendus, et même le haut de l'intervalle de confiance reste en dessous. Les bilans disent
pourquoi : l'inventaire complet prenait tout le temps, on n'arrivait pas aux messages, et la
note de 1 à 5 en a découragé plusieurs. Ce n'était pas aux membres de s'adapter à l'étape.

**La version 2 a réussi.** Elle se limite aux 50 à 150 personnes qui comptent, remplace la
note par un mot et place les trois messages dans la première semaine. Sur les 14 membres
comptés, 13 ont réactivé au moins deux liens dans le mois : tout l'intervalle de confiance est
au-dessus des 60 % attendus. Deux membres, un par version, ont corrigé le chiffre que leur
journal avait mesuré (un appel qu'ils n'avaient pas noté) : c'est compté, et c'est dit.

**Et maintenant.** La version 2 reste l'étape 1 de la méthode. L'étape 2, « Réactiver les liens
dormants », est en discussion, et vos bilans partagés nourrissent déjà sa synthèse. Merci à
celles et ceux qui ont fait leur bilan, surtout quand l'étape n'avait pas marché pour eux :
c'est grâce à eux que nous savons pourquoi.
"""
DRAFT_TITLE = "Étape 2 : ce que disent les premiers commentaires"
DRAFT = """\
Brouillon. Les commentaires sur l'étape 2 convergent sur un point : le premier message après
des années est l'obstacle. À reprendre quand la discussion sera close.
"""

# The people of the members' small networks: given names (with whether they are a woman's)
# and family names, combined differently for each member.
GIVEN = (
    ("Agnès", True), ("Bruno", False), ("Cécile", True), ("Damien", False),
    ("Estelle", True), ("Fabrice", False), ("Gaëlle", True), ("Hervé", False),
    ("Isabelle", True), ("Jérôme", False), ("Laure", True), ("Marc", False),
    ("Noémie", True), ("Pascal", False), ("Rachel", True), ("Stéphane", False),
)  # fmt: skip
FAMILY = (
    "Arnaud", "Besson", "Carpentier", "Delmas", "Espinasse", "Ferrand", "Guillot", "Hamel",
    "Jacquet", "Lacroix", "Maillard", "Navarro", "Ollivier", "Poulain", "Renaud", "Tessier",
)  # fmt: skip
WORK = (
    ("Responsable achats", "Groupe Valmont"),
    ("Cheffe de projet", "Agence Horizon"),
    ("Consultant indépendant", ""),
    ("Directrice commerciale", "Atelier Lumen"),
    ("Ingénieur méthodes", "Fonderies de l'Ouest"),
    ("Chargée de mission", "Région Centre"),
    ("Gérant", "Imprimerie Sorel"),
    ("Responsable RH", "Clinique des Lilas"),
)
# What was logged: reaching out to a dormant tie, a meeting with someone seen lately.
REACHING_OUT = (
    ("message", "Message de nouvelles, sans rien demander"),
    ("call", "Appel : trois ans sans se parler"),
    ("meeting", "Café pour se raconter les dernières années"),
    ("email", "Réponse chaleureuse à mon message de nouvelles"),
    ("video", "Visio : ce que chacun est devenu"),
)
DORMANT_CONTACTS = 8
RECENT_CONTACTS = 2


@dataclass(frozen=True)
class AppliedSummary:
    adopters: int
    debriefs: int
    # Each version of step 1: its verdict, counted members and those who succeeded.
    verdicts: dict[int, tuple[str, int, int]]
    releases: int
    reports: int


def write_applied(
    method: Method,
    versions: dict[int, StepVersion],
    users: dict[str, User],
    now: dt.datetime,
) -> AppliedSummary:
    """Write the plan (``PLAN``) for step 1's ``versions`` (by number), then the report."""
    today = now.astimezone(ZONE).date()
    plan_by_member: dict[str, list[Applied]] = {}
    for applied in PLAN:
        plan_by_member.setdefault(applied.handle, []).append(applied)
    # Their small networks, written as the loader writes the full members' ones; Camille's
    # is hers already (``load_demo``) and stays as it is.
    light = {handle: users[handle] for handle in plan_by_member if handle != "camille"}
    clear_networks(list(light.values()))
    for handle, user in light.items():
        write_network(user, plan_network(handle, plan_by_member[handle], today))
        record_outcomes_in_bulk(user)

    # What happened, in the order it happened: members applying a version, and debriefing
    # it, each debrief followed by what the release rules allow then (so that the releases
    # hold what they held on their day).
    events: list[tuple[dt.datetime, int, Applied]] = []
    for n, applied in enumerate(PLAN):
        adopted_on = today - dt.timedelta(days=applied.adopted_days_ago)
        events.append((at(adopted_on, 21), 0, applied))
        if applied.debrief_after is not None:
            written_on = adopted_on + dt.timedelta(days=applied.debrief_after)
            # Each at their own moment of the evening: never two at once.
            moment = at(written_on, DEBRIEF_HOUR + n % 4, 7 * n % 60)
            events.append((moment, 1, applied))
    adopted: dict[tuple[str, int], Adoption] = {}
    made = debriefs = 0
    for moment, kind, applied in sorted(events, key=lambda e: (e[0], e[1], e[2].handle)):
        key = (applied.handle, applied.version)
        if kind == 0:
            adopted[key] = adopt(users[applied.handle], versions[applied.version], applied, moment)
            continue
        debrief_of(adopted[key], applied, moment)
        debriefs += 1
        release = releases.consider_release(versions[applied.version])
        if release is not None:
            dated = moment + RELEASE_DELAY
            release.figures["released_at"] = dated.isoformat()
            ResultsRelease.objects.filter(pk=release.pk).update(
                created_at=dated, figures=release.figures
            )
            made += 1

    facilitator = users["fatou"]
    report = ProgressReport.objects.create(
        method=method,
        title=REPORT_TITLE,
        body=REPORT,
        author=facilitator,
        created_at=at(today - dt.timedelta(days=REPORT_DAYS_AGO + 1), 18),
    )
    reports.publish(report, now=at(today - dt.timedelta(days=REPORT_DAYS_AGO), 9))
    draft_at = at(today - dt.timedelta(days=1), 19)
    draft = ProgressReport.objects.create(
        method=method, title=DRAFT_TITLE, body=DRAFT, author=facilitator, created_at=draft_at
    )
    ProgressReport.objects.filter(pk=draft.pk).update(updated_at=draft_at)

    latest = releases.latest(versions.values())
    verdicts = {}
    for number, version in versions.items():
        verdict = latest.get(version.pk, {}).get("verdict") or {}
        verdicts[number] = (
            str(verdict.get("status", "")),
            int(verdict.get("counted") or 0),
            int(verdict.get("succeeded") or 0),
        )
    return AppliedSummary(
        adopters=len({a.handle for a in PLAN}),
        debriefs=debriefs,
        verdicts=verdicts,
        releases=made,
        reports=1,
    )


def clear_networks(users: list[User]) -> None:
    """What ``loader.clear_network`` clears, for many members at once (a few queries rather
    than a few per member): their networks and what the goals app derived from them."""
    owners = [user.pk for user in users]
    Outcome.objects.filter(owner__in=owners).delete()
    Objective.objects.filter(owner__in=owners).delete()
    HealthSnapshot.objects.filter(owner__in=owners).delete()
    Notification.objects.filter(recipient__in=owners).delete()
    Contact.objects.filter(owner__in=owners).delete()
    Interaction.objects.filter(owner__in=owners).delete()
    Tag.objects.filter(owner__in=owners).delete()


def at(day: dt.date, hour: int, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def adopt(user: User, version: StepVersion, applied: Applied, moment: dt.datetime) -> Adoption:
    """The member applies the version (``adoptions.apply``: its checklist becomes theirs),
    ticks some of it over the first days, and perhaps gives it up."""
    adopted_on = moment.date()
    adoption, _new = adoptions.apply(user, version, adopted_on=adopted_on)
    if applied.abandoned_after is not None:
        adoptions.abandon(adoption, on=adopted_on + dt.timedelta(days=applied.abandoned_after))
    # auto_now and the defaults stamped the load: applied that evening.
    Adoption.objects.filter(pk=adoption.pk).update(created_at=moment, updated_at=moment)
    tick(adoption, applied.ticked, moment)
    return adoption


def tick(adoption: Adoption, done: int, started: dt.datetime) -> None:
    """The first ``done`` items of the member's checklist, ticked over the first days."""
    items = list(ChecklistItem.objects.filter(adoption=adoption).order_by("position")[:done])
    for n, item in enumerate(items):
        item.done_at = started + dt.timedelta(days=n, hours=1)
    ChecklistItem.objects.bulk_update(items, ["done_at"])


def debrief_of(adoption: Adoption, applied: Applied, moment: dt.datetime) -> Debrief:
    """The member's debrief, as the form writes it: the numbers their log measured on the
    day (``adoptions.prefill``), their corrections beside them, their words."""
    written_on = moment.date()
    prefill = adoptions.prefill(adoption, today=written_on)
    corrected = {key: n for key, n in applied.corrected.items() if key != "window"}
    window_corrected = applied.corrected.get("window")
    debrief = Debrief(
        adoption=adoption,
        owner=adoption.owner,
        version=adoption.version,
        written_on=written_on,
        measured=prefill.measured,
        corrected=corrected,
        window_measured=prefill.window_measured,
        window_corrected=window_corrected if prefill.window_measured is not None else None,
        obtained=applied.words.obtained,
        problems=applied.words.problems,
        solutions=applied.words.solutions,
        assessment=applied.assessment,
        usefulness=applied.usefulness,
        visibility=applied.visibility,
        # Their texts name none of their contacts: nothing to confirm.
        names_confirmed=True,
        created_at=moment,
        figures_changed_at=moment,
    )
    adoptions.save_debrief(debrief)
    # auto_now stamped the load: written (and last changed) that evening.
    Debrief.objects.filter(pk=debrief.pk).update(updated_at=F("created_at"))
    return debrief


def plan_network(handle: str, applications: list[Applied], today: dt.date) -> NetworkPlan:
    """A member's small network: LinkedIn connections of years ago, imported the day after
    they first applied step 1, and what they logged while applying it."""
    seed = sum(ord(c) for c in handle)
    first = min(today - dt.timedelta(days=a.adopted_days_ago) for a in applications)
    imported = first + dt.timedelta(days=1)
    contacts: list[ContactPlan] = []
    for n in range(DORMANT_CONTACTS + RECENT_CONTACTS):
        given, female = GIVEN[(seed + 5 * n) % len(GIVEN)]
        family = FAMILY[(seed * 3 + 7 * n) % len(FAMILY)]
        job, organisation = WORK[(seed + n) % len(WORK)]
        if female and job.endswith("ant indépendant"):
            job = "Consultante indépendante"
        recent = n >= DORMANT_CONTACTS
        contacts.append(
            ContactPlan(
                given_name=given,
                family_name=family,
                display_name=f"{given} {family}",
                female=female,
                circle="work",
                headline=f"{job} · {organisation}" if organisation else job,
                organisation=organisation,
                job_title=job,
                tie_strength=4 if recent else 2,
                source="import",
                # Dormant ties: connected years ago and never seen since.
                connected_on=imported - dt.timedelta(days=400 if recent else 900 + 97 * n),
                created_on=imported,
            )
        )
    interactions: list[InteractionPlan] = []
    # Those seen lately: seen a few weeks before, so they are not dormant.
    for n in range(DORMANT_CONTACTS, DORMANT_CONTACTS + RECENT_CONTACTS):
        day = first - dt.timedelta(days=20 + 5 * (n - DORMANT_CONTACTS))
        interactions.append(InteractionPlan(day, "call", "Point rapide", [n]))
    dormant = iter(range(DORMANT_CONTACTS))
    for applied in applications:
        adopted_on = today - dt.timedelta(days=applied.adopted_days_ago)
        days = sorted(set(range(3, 29, 5)) | {27})
        for k in range(applied.window):
            kind, summary = REACHING_OUT[(seed + k) % len(REACHING_OUT)]
            day = adopted_on + dt.timedelta(days=days[k % len(days)])
            interactions.append(InteractionPlan(day, kind, summary, [next(dormant)]))
        for k in range(applied.after):
            kind, summary = REACHING_OUT[(seed + k + 2) % len(REACHING_OUT)]
            day = adopted_on + dt.timedelta(days=30 + k)
            interactions.append(InteractionPlan(day, kind, summary, [next(dormant)]))
        for k in range(applied.meetings):
            day = adopted_on + dt.timedelta(days=10 + 6 * k)
            index = DORMANT_CONTACTS + k % RECENT_CONTACTS
            interactions.append(InteractionPlan(day, "meeting", "Déjeuner", [index]))
        for k in range(applied.new):
            given, female = GIVEN[(seed + 3 + k) % len(GIVEN)]
            family = FAMILY[(seed + 11 + k) % len(FAMILY)]
            day = adopted_on + dt.timedelta(days=12 + k)
            contacts.append(
                ContactPlan(
                    given_name=given,
                    family_name=family,
                    display_name=f"{given} {family}",
                    female=female,
                    circle="work",
                    headline="Rencontré grâce à un lien réactivé",
                    source="manual",
                    created_on=day,
                )
            )
            interactions.append(
                InteractionPlan(
                    day, "meeting", "Présentés par un ancien collègue", [len(contacts) - 1]
                )
            )
    interactions.sort(key=lambda i: i.occurred_on)
    return NetworkPlan(
        language="fr", tags=[], contacts=contacts, interactions=interactions, relationships=[]
    )

"""The demo's method, « Développer son réseau », caught while it is built in the open.

Step 1 (mapping one's network) has gone the whole way. Its version 1 was open for feedback
for twelve days: about thirty light members, Camille and Sam wrote remarks, suggestions,
criticisms and questions, in threads the facilitator answers, and voted on each other's
proposals; the moderator trashed one off-topic comment, after two flags. It was validated as it
stood, so that members could apply it. Two months later, once the first members who applied it
had debriefed it (it failed), the facilitator wrote its synthesis, decided what became of each
suggestion and criticism (integrated, rejected with a reason, or deferred), and validated
version 2, revised from it: version 1 is superseded, its synthesis public, and the integrated
proposals point to version 2. A few members have commented on version 2 since. Members applied
version 2 in turn, and it succeeded; the facilitator's progress report says both plainly
(``demo/applied.py``: the adoptions, the members' small networks, debriefs, releases, reports).

Step 2 (reviving dormant ties) is open for feedback since a week, with enough members voting
on enough proposals for the opinion groups to show in the synthesis workspace. Step 3 (giving
before asking) is scheduled for a few days from now, so the scheduler publishes it while the
demo is in use.

The members fall into three opinion groups (methodical members who like structure and
figures, relational ones wary of "scoring" people, pragmatic ones short of time); each
proposal carries the stance of each group and votes are drawn from it with a seeded random
generator, so that the votes have the structure an opinion analysis should find, and the same
seed gives the same votes. The analyses are computed at the end (``analysis.refresh``), as the
worker would, so that the workspace shows them at once.

The light members exist to discuss; those who applied step 1 have a small network of their own,
where what they obtained was logged. The discussion is written in bulk (a few dozen queries);
running it again replaces the method and those networks, and keeps the accounts.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
import zoneinfo
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from entregent.accounts.models import User
from entregent.demo.applied import write_applied
from entregent.demo.loader import DEFAULT_SEED, MEMBERS, PASSWORD, DemoMember, ensure_user
from entregent.goals.models import Outcome
from entregent.method import analysis
from entregent.method.models import (
    Comment,
    CommentRevision,
    Disposition,
    Flag,
    Method,
    MethodRole,
    ModerationAction,
    Step,
    StepVersion,
    Subscription,
    Vote,
)

SLUG = "developper-son-reseau"
TITLE = "Développer son réseau"
FACILITATOR = "facilitator@demo.entregent.org"
MODERATOR = "moderation@demo.entregent.org"
CAMILLE = "camille@demo.entregent.org"
SAM = "sam@demo.entregent.org"
ZONE = zoneinfo.ZoneInfo("Europe/Paris")
# The method's story, in days before today (in Paris): created; step 1's version 1 published,
# its feedback closed, then validated as it stood; its synthesis written and version 2 drafted,
# then validated; step 2 published. Step 3 is published this many days from now.
# Members applied each validated version of step 1 for long enough to judge it (30 days, then a
# debrief: entregent/demo/applied.py): version 1 had two months before version 2 replaced it.
CREATED_DAYS_AGO = 150
STEP_1_OPENED_DAYS_AGO = 135
STEP_1_CLOSED_DAYS_AGO = 123
STEP_1_VALIDATED_DAYS_AGO = 121
SYNTHESIS_DAYS_AGO = 66
STEP_1_V2_VALIDATED_DAYS_AGO = 63
STEP_2_OPENED_DAYS_AGO = 7
SCHEDULED_IN_DAYS = 4
# On step 1, each voter votes on at least this many proposals (and at most ``MAX_VOTES``).
MIN_VOTES = 7
MAX_VOTES = 20
# On step 2, where the opinion groups are to show, members vote on most of the proposals.
REVIVING_MIN_VOTES = 12
REVIVING_MAX_VOTES = 17

# Opinion groups.
METHODICAL, RELATIONAL, PRAGMATIC = 0, 1, 2
# How a member of a group votes on a proposal, by the group's stance on it
# (+1 for, -1 against, 0 divided): weights of agree, disagree, pass.
VOTE_WEIGHTS = {1: (78, 8, 14), -1: (10, 75, 15), 0: (40, 35, 25)}


@dataclass(frozen=True)
class LightMember:
    handle: str
    name: str
    group: int
    language: str = "fr"
    time_zone: str = "Europe/Paris"
    votes: bool = True

    @property
    def email(self) -> str:
        ascii_name = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode()
        return ascii_name.lower().replace("'", "").replace(" ", ".") + "@demo.entregent.org"


LIGHT_MEMBERS = (
    LightMember("amelie", "Amélie Rousseau", METHODICAL),
    LightMember("thomas", "Thomas Girard", METHODICAL),
    LightMember("nadia", "Nadia Benyahia", RELATIONAL),
    LightMember("julien", "Julien Mercier", PRAGMATIC),
    LightMember("sophie", "Sophie Lefèvre", RELATIONAL),
    LightMember("karim", "Karim Haddad", PRAGMATIC),
    LightMember("elodie", "Élodie Martin", METHODICAL),
    LightMember("mathieu", "Mathieu Fontaine", PRAGMATIC),
    LightMember("claire", "Claire Dubois", RELATIONAL),
    LightMember("yannick", "Yannick Le Goff", PRAGMATIC, votes=False),
    LightMember("lea", "Léa Garnier", RELATIONAL),
    LightMember("antoine", "Antoine Chevalier", METHODICAL),
    LightMember("ines", "Inès Bouaziz", RELATIONAL),
    LightMember("hugo", "Hugo Lambert", PRAGMATIC),
    LightMember("marion", "Marion Perrin", METHODICAL),
    LightMember("olivier", "Olivier Roux", PRAGMATIC),
    LightMember("aicha", "Aïcha Traoré", RELATIONAL),
    LightMember("baptiste", "Baptiste Morel", METHODICAL),
    LightMember("pauline", "Pauline Henry", RELATIONAL, votes=False),
    LightMember("romain", "Romain Faure", PRAGMATIC),
    LightMember("celine", "Céline Bonnet", METHODICAL),
    LightMember("mathilde", "Mathilde Gauthier", RELATIONAL),
    LightMember("franck", "Franck Muller", PRAGMATIC),
    LightMember("nathalie", "Nathalie Blanc", METHODICAL),
    LightMember("emma", "Emma Wilson", METHODICAL, "en", "Europe/London"),
    LightMember("daniel", "Daniel O'Brien", PRAGMATIC, "en", "Europe/Dublin", votes=False),
    LightMember("priya", "Priya Raman", RELATIONAL, "en", "Europe/London"),
    LightMember("lucy", "Lucy Chen", METHODICAL, "en", "Europe/London"),
    LightMember("tom", "Tom Fletcher", PRAGMATIC, "en", "Europe/London"),
    LightMember("grace", "Grace Adeyemi", RELATIONAL, "en", "Europe/London"),
)
LIGHT_EMAILS = tuple(member.email for member in LIGHT_MEMBERS)
# The full demo members who take part, with the group Camille and Sam vote with.
TEAM = {"fatou": FACILITATOR, "nora": MODERATOR, "camille": CAMILLE, "sam": SAM}
TEAM_GROUPS = {"camille": RELATIONAL, "sam": METHODICAL}
SUBSCRIBERS = (
    "camille", "sam", "amelie", "thomas", "nadia", "claire", "antoine", "hugo", "marion",
    "baptiste", "lucy", "emma", "mathilde",
)  # fmt: skip


DESCRIPTION = """\
Une méthode pour entretenir et développer son réseau professionnel de façon délibérée :
savoir qui l'on connaît, garder le contact avec les personnes qui comptent, réveiller les
liens endormis, et demander ou offrir de l'aide au bon moment.

Elle se construit **en public, une étape à la fois**. Chaque étape est publiée avec son
raisonnement, une recommandation concrète et ce qu'on en attend, chiffré. Les membres la
commentent (remarques, suggestions, critiques, questions) et votent sur les propositions des
autres ; l'animatrice en fait la synthèse, puis valide une version. Une fois validée, l'étape
s'applique, et ce que les membres en obtiennent dit si elle tient ses promesses.

Rien n'est figé : une étape validée continue de recevoir des commentaires, qui nourrissent sa
version suivante.
"""


@dataclass(frozen=True)
class StepText:
    title: str
    reasoning: str
    recommendation: str
    checklist: tuple[str, ...]
    expected_kind: str
    expected_count: int
    expected_share: int
    expected_window_days: int
    expectation_text: str


MAPPING = StepText(
    title="Cartographier son réseau",
    reasoning="""\
On sous-estime presque toujours l'étendue de son réseau. Demandez à quelqu'un combien de
personnes il pourrait appeler demain pour un conseil professionnel : il citera une dizaine de
noms. Faites-lui dérouler ses anciens postes, ses études, ses associations, ses clients : il
en retrouvera cent cinquante.

Ces personnes oubliées sont précieuses. Les travaux de Mark Granovetter sur la « force des
liens faibles » (1973) ont montré que les occasions nouvelles (un emploi, un client, une idée)
viennent plus souvent des connaissances lointaines que des proches : nos proches savent ce que
nous savons déjà. Daniel Levin et ses collègues ont étudié depuis les **liens dormants** : des
personnes qui ont compté pour nous, perdues de vue depuis des années. Reprendre contact avec
elles apporte des informations plus neuves que nos contacts actuels, et la confiance
d'autrefois revient vite.

Impossible pourtant de réactiver ce qu'on a oublié. D'où cette première étape : **faire
l'inventaire avant d'agir**. Pas un fichier de prospection, une carte, pour soi, de qui l'on
connaît, de ce que ces personnes font aujourd'hui et de l'histoire que l'on partage avec elles.

### Pourquoi noter comment on s'est rencontrés

C'est l'information la plus vite oubliée et la plus utile pour reprendre contact : « on s'est
connus au salon de Nantes en 2019, tu m'avais parlé de ton projet de coopérative » ouvre une
porte qu'un « bonjour, ça fait longtemps » laisse fermée.

### Pourquoi s'arrêter sur les liens dormants

Un lien dormant n'est pas un lien mort. Ce sont des personnes que vous appréciez et qui vous
appréciaient, avec qui le contact s'est perdu sans brouille. Elles sont souvent plus faciles à
recontacter qu'on ne le croit, et elles ont changé de poste, de ville ou de projets depuis :
c'est précisément ce qui les rend utiles.
""",
    recommendation="""\
Bloquez **deux séances d'une heure** dans la semaine.

1. Pendant la première, rassemblez vos contacts (export LinkedIn, carnet du téléphone, cartes
   de visite) et complétez, pour chaque personne qui compte, trois informations : ce qu'elle
   fait aujourd'hui, comment vous vous êtes rencontrés, la force du lien.
2. Pendant la seconde, parcourez la liste pour repérer **dix liens dormants**, et écrivez à
   trois d'entre eux, simplement pour prendre des nouvelles, sans rien demander.
""",
    checklist=(
        "Importer ses contacts LinkedIn et le carnet d'adresses de son téléphone",
        "Pour chaque personne qui compte, noter en une ligne ce qu'elle fait aujourd'hui",
        "Noter comment et où vous vous êtes rencontrés, même approximativement",
        "Estimer la force du lien, de 1 (on se reconnaîtrait) à 5 (on s'appelle sans raison)",
        "Marquer dix liens dormants : des personnes appréciées, sans nouvelles depuis un an",
        "Envoyer à trois d'entre eux un message de nouvelles, sans aucune demande",
    ),
    expected_kind=Outcome.Kind.REACTIVATION,
    expected_count=2,
    expected_share=60,
    expected_window_days=30,
    expectation_text=(
        "Au moins deux liens dormants réactivés (un véritable échange, pas un simple « j'aime ») "
        "pour 60 % des personnes qui appliquent l'étape, dans les 30 jours. Si moins de la "
        "moitié y parviennent, l'étape est trop lourde ou mal expliquée."
    ),
)

REVIVING = StepText(
    title="Réactiver les liens dormants",
    reasoning="""\
La première étape a produit une carte et une liste de liens dormants. Celle-ci passe à l'acte :
reprendre contact avec ces personnes, sans gêne et sans arrière-pensée visible.

La gêne est le principal obstacle : on craint de paraître intéressé après des années de
silence. Les personnes recontactées le vivent pourtant bien mieux qu'on ne l'imagine, surtout
si le message évoque un souvenir précis. Un bon message tient en trois temps : **un souvenir
commun**, **une nouvelle de soi**, **une question ouverte sur l'autre**.

### Donner avant de demander

Un lien réactivé n'est pas encore un lien solide. On le consolide en apportant quelque chose :
un article qui pourrait l'intéresser, une mise en relation, une recommandation. La demande, s'il
y en a une, viendra plus tard et plus naturellement.
""",
    recommendation="""\
Chaque semaine pendant quatre semaines, recontactez **trois liens dormants** de votre carte,
par le canal le plus personnel dont vous disposez (message direct, courriel, téléphone).
Proposez un échange de vive voix à ceux qui répondent avec plaisir, et notez chaque échange
dans entregent pour suivre ce qui en sort.
""",
    checklist=(
        "Choisir trois liens dormants par semaine dans la carte de l'étape 1",
        "Écrire un message qui cite un souvenir commun précis",
        "Donner une nouvelle de soi en deux phrases, sans se vendre",
        "Poser une question ouverte sur ce que devient la personne",
        "Proposer un appel ou un café à ceux qui répondent",
        "Noter chaque échange et ce qui en sort : une piste, une mise en relation, une idée",
    ),
    expected_kind=Outcome.Kind.MEETING,
    expected_count=1,
    expected_share=50,
    expected_window_days=30,
    expectation_text=(
        "Au moins une rencontre (café, déjeuner ou appel en vidéo) avec un lien dormant pour la "
        "moitié des personnes qui appliquent l'étape, dans le mois."
    ),
)


# The discussion of step 1 --------------------------------------------------------------------

REMARK = Comment.Kind.REMARK
SUGGESTION = Comment.Kind.SUGGESTION
CRITICISM = Comment.Kind.CRITICISM
QUESTION = Comment.Kind.QUESTION


@dataclass(frozen=True)
class Said:
    """A comment as written: its author's handle, kind and text, its replies, and, for a
    proposal, the stance of each opinion group (methodical, relational, pragmatic)."""

    author: str
    kind: str
    body: str
    replies: tuple[Said, ...] = ()
    stance: tuple[int, int, int] = (0, 0, 0)
    # The text before its author edited it.
    before: str = ""
    off_topic: bool = False


def said(
    author: str,
    kind: str,
    body: str,
    *replies: Said,
    stance: tuple[int, int, int] = (0, 0, 0),
    before: str = "",
    off_topic: bool = False,
) -> Said:
    return Said(author, kind, body, replies, stance, before, off_topic)


OFF_TOPIC_NOTE = (
    "Bonjour Yannick, votre question est légitime mais ce fil sert aux retours sur l'étape 1. "
    "Pour trouver un expert-comptable, c'est justement le moment de solliciter votre propre "
    "réseau !"
)

DISCUSSION = (
    said(
        "amelie",
        SUGGESTION,
        "Fournir un modèle de tableau avec les colonnes déjà prêtes (nom, poste actuel, "
        "rencontre, force du lien, dernier échange). Partir d'une page blanche, c'est là qu'on "
        "abandonne.",
        said(
            "fatou",
            REMARK,
            "Bonne idée. La fiche d'un contact a déjà ces champs (comment vous vous êtes "
            "rencontrés, force du lien, dernier échange), mais je peux ajouter à l'étape un lien "
            "vers l'export en tableur pour celles et ceux qui préfèrent travailler hors ligne.",
            said(
                "amelie",
                REMARK,
                "Parfait, l'export suffira. Je préfère trier dans un tableur puis réimporter.",
            ),
        ),
        stance=(1, 0, 1),
    ),
    said(
        "nadia",
        CRITICISM,
        "Noter la force du lien de 1 à 5, ça me gêne. On ne met pas une note à ses amis ou à ses "
        "anciens collègues. J'ai eu l'impression de remplir une grille d'évaluation plutôt que "
        "de penser aux gens.",
        said(
            "thomas",
            REMARK,
            "Je comprends, mais la note est privée, personne ne la voit. Sans elle, impossible de "
            "repérer ceux qu'on néglige alors qu'on les apprécie. Pour moi c'est tout l'intérêt "
            "de la carte.",
            said(
                "nadia",
                REMARK,
                "Privée ou pas, le geste de noter change le regard qu'on porte. Je préférerais "
                "des mots : « proche », « connaissance », « perdu de vue ».",
            ),
        ),
        said(
            "sophie",
            REMARK,
            "Même ressenti. J'ai fini par ne noter que les liens forts (4 et 5) et laisser le "
            "reste vide.",
        ),
        stance=(-1, 1, 0),
    ),
    said(
        "julien",
        CRITICISM,
        "Deux heures, c'est optimiste. Avec 600 contacts LinkedIn, rien que l'import et le tri "
        "m'ont pris une soirée entière. Il faudrait dire clairement qu'on ne complète pas tout "
        "le monde.",
        said(
            "fatou",
            REMARK,
            "Vous avez raison, c'est une lacune du texte : l'idée est de compléter les personnes "
            "qui comptent, pas les 600. Je le préciserai dans la version 2, disons 50 à 150 "
            "personnes au plus.",
        ),
        said(
            "karim",
            SUGGESTION,
            "Commencer par les 30 dernières personnes avec qui on a vraiment échangé, puis "
            "élargir. On voit tout de suite le résultat.",
            said(
                "elodie",
                REMARK,
                "C'est un bon point de départ, mais on risque de rater justement les liens "
                "dormants, qui sont par définition hors de ces 30-là.",
            ),
            stance=(-1, 0, 1),
        ),
        stance=(-1, 0, 1),
        before=(
            "Deux heures, c'est optimiste. Avec 600 contacts LinkedIn, rien que l'import et le "
            "tri m'ont pris une soirée entière."
        ),
    ),
    said(
        "sam",
        QUESTION,
        "Does the LinkedIn import keep the date we connected? That alone would tell me who I "
        "met when, without typing it in.",
        said(
            "fatou",
            REMARK,
            "Yes: LinkedIn's export carries a “Connected on” date and entregent keeps it on each "
            "contact. It tells you when you connected, not how you met: that story is still "
            "yours to write.",
            said("sam", REMARK, "Great, that gets me most of the way there."),
        ),
    ),
    said(
        "claire",
        REMARK,
        "Ce que j'ai trouvé le plus utile, c'est justement la question « comment nous sommes-"
        "nous rencontrés ». En la remplissant, des souvenirs sont revenus et j'ai eu envie "
        "d'écrire à trois personnes le soir même.",
        said(
            "lea",
            REMARK,
            "Pareil ! J'ai retrouvé une ancienne collègue de mon premier stage, on déjeune jeudi.",
        ),
    ),
    said(
        "mathieu",
        SUGGESTION,
        "Ajouter un exemple de message de reprise de contact à la fin de l'étape. Le plus dur "
        "n'est pas de faire la liste, c'est d'écrire le premier message.",
        said(
            "ines",
            CRITICISM,
            "Je ne suis pas d'accord : un message type, tout le monde le repère. Ce qui marche, "
            "c'est un souvenir précis, et aucun modèle ne peut le fournir.",
            said(
                "mathieu",
                REMARK,
                "Un exemple n'est pas un modèle à copier. Juste de quoi débloquer ceux qui "
                "n'osent pas.",
            ),
            stance=(-1, 1, -1),
        ),
        said(
            "fatou",
            REMARK,
            "C'est prévu pour l'étape 2, qui porte justement sur la reprise de contact ; je "
            "garde l'étape 1 centrée sur la carte.",
        ),
        stance=(1, -1, 1),
    ),
    said(
        "antoine",
        SUGGESTION,
        "Ajouter une colonne « ce que je pourrais lui apporter ». Ça évite que la carte "
        "devienne une liste de gens à solliciter.",
        said(
            "aicha",
            REMARK,
            "Excellente idée, c'est ce qui me manquait pour être à l'aise avec l'exercice.",
        ),
        stance=(1, 1, 0),
    ),
    said(
        "priya",
        CRITICISM,
        "The step assumes your network lives on LinkedIn. Many of my strongest ties are people "
        "from my neighbourhood and my kids' school: they are nowhere in an export.",
        said(
            "camille",
            REMARK,
            "Très juste. J'ai ajouté les miens à la main depuis mon téléphone, c'était plus "
            "rapide que je ne le pensais.",
        ),
        stance=(0, 1, 0),
    ),
    said(
        "hugo",
        QUESTION,
        "Qu'est-ce qu'on appelle exactement un lien « dormant » ? Plus d'un an sans nouvelles, "
        "même si on se « like » de temps en temps sur LinkedIn ?",
        said(
            "fatou",
            REMARK,
            "Oui : un « j'aime » n'est pas un échange. Je compte comme dormant un lien sans vrai "
            "échange (message, appel, rencontre) depuis plus d'un an, avec quelqu'un que vous "
            "appréciez. entregent les repère à partir du dernier échange noté et du rythme que "
            "vous avez choisi pour chaque personne.",
            said("hugo", REMARK, "Merci, c'est clair. Du coup j'en ai bien plus que dix…"),
        ),
    ),
    said(
        "marion",
        SUGGESTION,
        "Noter aussi l'organisation et la ville : quand on cherche quelqu'un dans un secteur ou "
        "une région, c'est ce qui sert.",
        stance=(1, 0, -1),
    ),
    said(
        "olivier",
        CRITICISM,
        "L'attente de 60 % me paraît haute. Beaucoup vont faire la carte sans écrire à personne "
        "dans le mois, et ce ne sera pas forcément un échec de l'étape.",
        said(
            "baptiste",
            REMARK,
            "Justement, c'est l'intérêt d'afficher un chiffre : si on n'y arrive pas, on saura "
            "que l'étape doit changer. Une attente trop basse ne nous apprendrait rien.",
            said(
                "olivier",
                REMARK,
                "D'accord sur le principe, mais alors mesurons aussi combien ont terminé la "
                "carte, pas seulement les réactivations.",
            ),
        ),
        stance=(-1, 1, 1),
    ),
    said(
        "pauline",
        REMARK,
        "J'ai fait l'exercice avec un papier et un crayon avant de tout saisir. Dessiner des "
        "cercles (famille, travail, associations) m'a beaucoup aidée à voir les trous.",
        said(
            "mathilde",
            QUESTION,
            "Tu as gardé ton dessin ? Je suis curieuse de voir comment tu as organisé tes "
            "cercles.",
            said(
                "pauline",
                REMARK,
                "Trois cercles concentriques : les proches, les gens que je vois au moins une "
                "fois par an, puis tous les autres. Rien de plus compliqué.",
            ),
        ),
    ),
    said(
        "romain",
        SUGGESTION,
        "Découper l'étape en deux : d'abord la carte, ensuite les trois messages. Tout faire la "
        "même semaine, c'est beaucoup quand on travaille à plein temps.",
        said(
            "celine",
            CRITICISM,
            "Je pense l'inverse : si on s'arrête à la carte, elle finit dans un tiroir. Écrire "
            "trois messages tout de suite, c'est ce qui donne envie de continuer.",
            stance=(1, 0, -1),
        ),
        stance=(-1, 0, 1),
    ),
    said(
        "emma",
        SUGGESTION,
        "Add a field for the last time you actually helped each other. It says more than tie "
        "strength about who you can reach out to.",
        stance=(1, 0, -1),
        before=(
            "Add a field for the last time you actualy helped each other. It says more then tie "
            "strength about who you can reach out to."
        ),
    ),
    said(
        "franck",
        CRITICISM,
        "Beaucoup de théorie dans le raisonnement. Granovetter, c'est intéressant, mais je "
        "voulais surtout savoir quoi faire lundi matin.",
        said(
            "nathalie",
            REMARK,
            "Moi j'ai aimé savoir pourquoi. Sans le raisonnement, je n'aurais pas pris les liens "
            "dormants au sérieux.",
        ),
        said(
            "fatou",
            REMARK,
            "Noté : dans la version 2, la recommandation passera en premier et le raisonnement "
            "viendra ensuite, pour qui veut le lire.",
        ),
        stance=(-1, -1, 1),
    ),
    said(
        "daniel",
        QUESTION,
        "How many people should a map have at least for this to be worth it? I have maybe 80 "
        "people I would call contacts.",
        said(
            "lucy",
            REMARK,
            "80 is plenty. I did mine with about 120 and found 14 dormant ties worth a message.",
            said("daniel", REMARK, "Good to know, thanks. I'll stop worrying about the size."),
        ),
    ),
    said(
        "grace",
        REMARK,
        "I loved the line about a dormant tie not being a dead one. I wrote to a former mentor I "
        "had not spoken to in six years; she replied within the hour.",
    ),
    said(
        "thomas",
        SUGGESTION,
        "Proposer un rythme de contact par défaut selon la force du lien (tous les mois pour un "
        "5, tous les trimestres pour un 4…). Sinon la carte ne dit pas qui relancer.",
        said(
            "nadia",
            CRITICISM,
            "Un rythme imposé transforme les relations en tâches à cocher. Je préfère qu'on me "
            "signale les gens que j'ai perdus de vue, sans calendrier.",
            stance=(-1, 1, 0),
        ),
        stance=(1, -1, 0),
    ),
    said(
        "tom",
        CRITICISM,
        "Six checklist items is a lot for a first step. I would cut it to three: import, mark "
        "ten dormant ties, write to three of them.",
        stance=(-1, 0, 1),
    ),
    said(
        "elodie",
        REMARK,
        "Pour ceux qui ont beaucoup de contacts : le tri « vus il y a le plus longtemps » de la "
        "liste m'a fait gagner un temps fou pour repérer les dormants.",
    ),
    said(
        "sophie",
        SUGGESTION,
        "Rappeler dans l'étape que la carte est strictement privée. Plusieurs personnes autour "
        "de moi hésitaient à noter quoi que ce soit sur leurs contacts.",
        said(
            "fatou",
            REMARK,
            "Elle l'est : personne d'autre que vous ne voit votre réseau, ni l'animation ni les "
            "autres membres. Je l'écrirai noir sur blanc en tête de l'étape.",
        ),
        stance=(1, 1, 1),
    ),
    said(
        "karim",
        QUESTION,
        "Faut-il aussi inclure les contacts purement personnels (famille, amis) ? Ou seulement "
        "le professionnel ?",
        said(
            "claire",
            REMARK,
            "Personnellement j'ai tout mis : mon beau-frère m'a présenté mon plus gros client "
            "l'an dernier. La frontière est floue.",
            said("karim", REMARK, "Vu comme ça… Je vais au moins ajouter les amis proches."),
        ),
    ),
    said(
        "yannick",
        QUESTION,
        "Quelqu'un aurait un bon expert-comptable à recommander sur Lyon ? Je lance ma "
        "micro-entreprise le mois prochain et je ne sais pas par où commencer. Merci d'avance !",
        off_topic=True,
    ),
    said(
        "ines",
        CRITICISM,
        "L'étape ne dit rien des gens avec qui ça s'est mal terminé. Faut-il les mettre sur la "
        "carte ? Les ignorer ? Ça m'a bloquée une bonne demi-heure.",
        said(
            "fatou",
            REMARK,
            "Question juste. Mon avis : les noter, sans force de lien, et ne pas les compter "
            "parmi les dormants. Une carte honnête a aussi ses zones fermées.",
        ),
        stance=(0, 1, 0),
    ),
    said(
        "lucy",
        SUGGESTION,
        "Show the number of dormant ties as you fill the map in. Watching it grow is motivating.",
        stance=(1, -1, 1),
    ),
    said(
        "baptiste",
        SUGGESTION,
        "Demander aussi aux membres combien de temps l'étape leur a pris, pour vérifier "
        "l'estimation des deux heures.",
        stance=(1, 0, 1),
    ),
    said(
        "aicha",
        REMARK,
        "Petite remarque de forme : « contacts » revient dix fois dans le texte. On parle de "
        "personnes, et ça change la manière de lire l'étape.",
        said(
            "mathilde",
            REMARK,
            "Entièrement d'accord, « personnes » ou « relations » serait plus juste.",
        ),
    ),
    said(
        "camille",
        SUGGESTION,
        "Commencer par ses anciens collègues : c'est le groupe le plus facile à reconstituer "
        "(organigrammes, photos de pots de départ) et souvent celui qui a le plus bougé.",
        stance=(1, 0, 1),
    ),
    said(
        "sam",
        CRITICISM,
        "The expectation only counts reactivations. Someone who maps 200 people and finds no "
        "dormant tie worth reviving has still learnt something; the step shouldn't call that a "
        "failure.",
        stance=(0, 1, -1),
    ),
    said(
        "hugo",
        REMARK,
        "Fait en 1 h 40, import compris. Le plus long a été de retrouver comment on s'était "
        "rencontrés pour les contacts d'il y a dix ans.",
        before="Fait en un peu moins de deux heures.",
    ),
    said(
        "mathilde",
        CRITICISM,
        "Le chiffre de dix liens dormants est arbitraire. Pour certains ce sera trois, pour "
        "d'autres trente ; mieux vaudrait parler d'une poignée de personnes qui comptent "
        "vraiment.",
        stance=(-1, 1, 0),
    ),
    said(
        "julien",
        SUGGESTION,
        "Rendre l'étape faisable sur téléphone : dans les transports, c'est le seul moment où "
        "j'ai le temps de compléter les fiches.",
        stance=(0, 0, 1),
    ),
)


# What the synthesis of step 1's version 1 made of each proposal, by the proposal's first
# words: every suggestion and criticism of that discussion has one (the trashed comment aside).

INTEGRATED = Disposition.Decision.INTEGRATED
REJECTED = Disposition.Decision.REJECTED
DEFERRED = Disposition.Decision.DEFERRED

DISPOSITIONS: dict[str, tuple[str, str]] = {
    "Fournir un modèle de tableau": (
        INTEGRATED,
        "La version 2 explique comment exporter son réseau en tableur, le compléter hors "
        "ligne et le réimporter.",
    ),
    "Noter la force du lien de 1 à 5": (
        INTEGRATED,
        "La note de 1 à 5 devient un mot : proche, régulier, connaissance ou perdu de vue.",
    ),
    "Deux heures, c'est optimiste": (
        INTEGRATED,
        "La version 2 précise qu'on complète 50 à 150 personnes qui comptent, pas tout son "
        "carnet.",
    ),
    "Commencer par les 30 dernières personnes": (
        REJECTED,
        "Partir des échanges récents ferait manquer les liens dormants, qui sont justement "
        "hors de ces trente-là (voir la réponse d'Élodie).",
    ),
    "Ajouter un exemple de message": (
        DEFERRED,
        "Reporté à l'étape 2, consacrée à la reprise de contact.",
    ),
    "Je ne suis pas d'accord : un message type": (
        DEFERRED,
        "À trancher avec l'étape 2, qui porte sur les messages.",
    ),
    "Ajouter une colonne « ce que je pourrais lui apporter »": (
        INTEGRATED,
        "Chaque personne de la carte reçoit une ligne « ce que je pourrais lui apporter ».",
    ),
    "The step assumes your network lives on LinkedIn": (
        INTEGRATED,
        "La version 2 cite le téléphone, les associations, le voisinage et l'école des enfants "
        "parmi les sources.",
    ),
    "Noter aussi l'organisation et la ville": (
        REJECTED,
        "La fiche de chaque contact a déjà son organisation et sa ville : l'étape ne les "
        "redemande pas, pour rester légère.",
    ),
    "L'attente de 60 % me paraît haute": (
        INTEGRATED,
        "L'attente reste à 60 %, mais la version 2 suit aussi combien de personnes terminent "
        "leur carte.",
    ),
    "Découper l'étape en deux": (
        REJECTED,
        "Écrire les trois premiers messages dans la semaine de la carte est ce qui donne envie "
        "de continuer ; la version 2 allège plutôt la carte.",
    ),
    "Je pense l'inverse": (
        INTEGRATED,
        "La version 2 garde les trois messages dans la même semaine que la carte.",
    ),
    "Add a field for the last time": (
        DEFERRED,
        "Une bonne idée pour l'étape sur l'entraide, « Donner avant de demander », en "
        "préparation.",
    ),
    "Beaucoup de théorie dans le raisonnement": (
        INTEGRATED,
        "Le raisonnement est raccourci de moitié : la recommandation suffit pour se lancer.",
    ),
    "Proposer un rythme de contact par défaut": (
        REJECTED,
        "entregent propose déjà un rythme pour chaque personne ; l'imposer dès la carte "
        "alourdirait l'étape.",
    ),
    "Un rythme imposé transforme les relations": (
        DEFERRED,
        "À reprendre quand une étape portera sur l'entretien des liens dans la durée.",
    ),
    "Six checklist items is a lot": (
        INTEGRATED,
        "La liste passe à cinq actions, plus courtes.",
    ),
    "Rappeler dans l'étape que la carte est strictement privée": (
        INTEGRATED,
        "La version 2 l'écrit en tête de la recommandation.",
    ),
    "L'étape ne dit rien des gens avec qui ça s'est mal terminé": (
        INTEGRATED,
        "Un paragraphe dit quoi faire des relations qui se sont mal terminées.",
    ),
    "Show the number of dormant ties": (
        DEFERRED,
        "Une évolution du site plutôt que de la méthode : transmise à l'équipe d'entregent.",
    ),
    "Demander aussi aux membres combien de temps": (
        DEFERRED,
        "Les bilans de l'étape demanderont le temps passé, quand ils seront ouverts.",
    ),
    "Commencer par ses anciens collègues": (
        INTEGRATED,
        "La version 2 propose de commencer par les anciens collègues.",
    ),
    "The expectation only counts reactivations": (
        REJECTED,
        "L'attente mesure ce que l'étape doit produire ; ce qu'on apprend sur son réseau "
        "compte, mais ne se mesure pas. La version 2 suit aussi les cartes terminées.",
    ),
    "Le chiffre de dix liens dormants est arbitraire": (
        INTEGRATED,
        "« Dix liens dormants » devient « une poignée, cinq à dix ».",
    ),
    "Rendre l'étape faisable sur téléphone": (
        DEFERRED,
        "Une évolution du site plutôt que de la méthode : transmise à l'équipe d'entregent.",
    ),
}

SYNTHESIS = """\
Merci à toutes celles et ceux qui ont commenté et voté pendant ces douze jours : la discussion
a été riche, et elle a changé l'étape.

**Ce qui fait consensus.** Rappeler que la carte est strictement privée, noter comment on
s'est rencontrés (la partie de l'exercice la plus appréciée), et commencer par ses anciens
collègues. Une demande revient aussi chez presque tout le monde : dire combien de personnes
compléter, car personne ne compte remplir 600 fiches.

**Ce qui divise.** La note de 1 à 5 sur la force du lien : les membres qui aiment les chiffres
y tiennent, d'autres se sentent mal à l'aise de « noter » des personnes. La version 2 la
remplace par un mot (proche, régulier, connaissance, perdu de vue), qui dit la même chose sans
chiffre. Le découpage de l'étape en deux a aussi partagé : je le rejette, car écrire les trois
premiers messages dans la semaine est ce qui donne envie de continuer.

**Ce que disent les premiers résultats.** Les dix premiers membres qui ont appliqué la version 1
en ont fait le bilan : deux seulement ont réactivé deux liens dormants dans le mois, loin des
60 % attendus. Leurs bilans rejoignent vos commentaires : l'inventaire prend toute la place, et
l'on n'arrive pas aux messages. La version 2 est plus courte pour cette raison.

**Ce qui change dans la version 2.**

- 50 à 150 personnes qui comptent, pas tout son carnet ;
- d'autres sources que LinkedIn : téléphone, associations, voisinage ;
- une ligne « ce que je pourrais lui apporter » pour chaque personne ;
- une poignée de liens dormants (cinq à dix) plutôt que dix tout rond ;
- ce qu'on fait des relations qui se sont mal terminées ;
- un raisonnement deux fois plus court.

**Ce qui attend.** Les modèles de messages relèvent de l'étape 2, qui porte sur la reprise de
contact. Les idées d'outils (compteur de liens dormants, saisie sur téléphone) sont transmises
à l'équipe du site.
"""

MAPPING_V2 = StepText(
    title="Cartographier les personnes qui comptent",
    reasoning="""\
On sous-estime presque toujours l'étendue de son réseau : en déroulant ses anciens postes, ses
études, ses associations, on retrouve des dizaines de personnes oubliées. Or les occasions
nouvelles viennent plus souvent de ces connaissances lointaines que des proches (la « force
des liens faibles » de Mark Granovetter), et les **liens dormants**, des personnes qui ont
compté puis qu'on a perdues de vue, apportent des informations plus neuves que nos contacts
actuels.

On ne réactive pas ce qu'on a oublié : d'où cette première étape, **faire l'inventaire avant
d'agir**. Une carte pour soi, pas un fichier de prospection.

### Pourquoi noter comment on s'est rencontrés

C'est l'information la plus vite oubliée et la plus utile pour reprendre contact : « on s'est
connus au salon de Nantes en 2019 » ouvre une porte qu'un « bonjour, ça fait longtemps »
laisse fermée.

### Et les relations qui se sont mal terminées

Notez-les aussi, sans leur donner de nature de lien, et ne les comptez pas parmi les liens
dormants. Une carte honnête a ses zones fermées ; personne ne vous demande d'y retourner.
""",
    recommendation="""\
**Votre carte est strictement privée** : personne d'autre que vous ne la voit, ni l'animation
ni les autres membres.

Comptez **deux séances d'une heure** dans la semaine, pour **50 à 150 personnes qui
comptent** : inutile de compléter tout votre carnet.

1. Rassemblez vos contacts : l'export LinkedIn, mais aussi le carnet de votre téléphone, vos
   associations, votre voisinage, l'école des enfants. Commencez par vos anciens collègues :
   c'est le groupe le plus facile à reconstituer, et souvent celui qui a le plus bougé.
2. Pour chaque personne qui compte, notez ce qu'elle fait aujourd'hui, comment vous vous êtes
   rencontrés, la nature du lien en un mot (proche, régulier, connaissance, perdu de vue) et
   ce que vous pourriez lui apporter.
3. Repérez **une poignée de liens dormants**, cinq à dix, et écrivez à trois d'entre eux dans
   la semaine, simplement pour prendre des nouvelles, sans rien demander.

Vous préférez un tableur ? Exportez votre réseau, complétez-le hors ligne, puis réimportez-le.
""",
    checklist=(
        "Rassembler ses contacts : LinkedIn, téléphone, associations, voisinage",
        "Commencer par ses anciens collègues, puis élargir à 50 à 150 personnes qui comptent",
        "Noter pour chacune ce qu'elle fait, comment vous vous êtes rencontrés et la nature du "
        "lien en un mot",
        "Noter ce que vous pourriez apporter à chacune",
        "Repérer cinq à dix liens dormants et écrire à trois d'entre eux, sans rien demander",
    ),
    expected_kind=Outcome.Kind.REACTIVATION,
    expected_count=2,
    expected_share=60,
    expected_window_days=30,
    expectation_text=(
        "Au moins deux liens dormants réactivés (un véritable échange, pas un simple « j'aime ») "
        "pour 60 % des personnes qui appliquent l'étape, dans les 30 jours. On regardera aussi "
        "combien terminent leur carte : si beaucoup s'arrêtent en route, c'est l'étape qu'il "
        "faut alléger, pas l'attente qu'il faut baisser."
    ),
)

# Said on version 2 of step 1, once validated: the comments that will feed its version 3.
ON_VERSION_2 = (
    said(
        "nadia",
        REMARK,
        "Merci d'avoir remplacé la note par des mots. « Perdu de vue » dit exactement ce que je "
        "voulais dire.",
    ),
    said(
        "julien",
        REMARK,
        "50 à 150 personnes, c'est bien plus réaliste. Fait en deux soirées cette fois, import "
        "compris.",
        said(
            "thomas",
            REMARK,
            "Pareil. Je regrette un peu la note chiffrée, mais je garde mes chiffres dans mon "
            "tableur, et les quatre mots suffisent pour repérer les dormants.",
        ),
    ),
)

GIVING = StepText(
    title="Donner avant de demander",
    reasoning="""\
Un lien réactivé reste fragile. Ce qui le consolide, c'est d'apporter quelque chose à l'autre
avant d'avoir besoin de lui : une information, une mise en relation, une recommandation. Les
personnes qui donnent sans compter ne sont pas les plus naïves de leur réseau : ce sont souvent
celles vers qui les occasions reviennent.
""",
    recommendation="""\
Pendant deux semaines, faites **un geste par jour ouvré** pour une personne de votre carte :
transmettre un article qui la concerne, la présenter à quelqu'un qu'elle gagnerait à connaître,
recommander son travail, répondre à une question qu'elle a posée en public. Notez chaque geste
dans entregent.
""",
    checklist=(
        "Relire la ligne « ce que je pourrais lui apporter » de votre carte",
        "Faire un geste par jour ouvré pendant deux semaines",
        "Présenter au moins deux personnes l'une à l'autre",
        "Noter chaque geste et ce qui en revient",
    ),
    expected_kind=Outcome.Kind.NEW_CONTACT,
    expected_count=1,
    expected_share=50,
    expected_window_days=45,
    expectation_text=(
        "Au moins une nouvelle relation (présentée par quelqu'un de votre carte) pour la moitié "
        "des personnes qui appliquent l'étape, dans les 45 jours."
    ),
)


# The discussion of step 2, open for feedback: enough members vote on enough proposals for
# the opinion groups to show (methodical members want trackers and templates, relational ones
# fear quotas and scripts, pragmatic ones want it short and flexible).

REVIVING_DISCUSSION = (
    said(
        "camille",
        SUGGESTION,
        "Garder le souvenir précis en tête du message, avant toute nouvelle de soi : c'est ce "
        "qui fait répondre.",
        stance=(1, 1, 1),
    ),
    said(
        "lucy",
        SUGGESTION,
        "Offer three sample messages (a former colleague, a former client, a classmate) to "
        "adapt. The blank page stops people more than the awkwardness does.",
        said(
            "ines",
            REMARK,
            "Des exemples, oui, mais alors très différents les uns des autres, sinon tout le "
            "monde enverra le même.",
        ),
        stance=(1, -1, 1),
    ),
    said(
        "nadia",
        CRITICISM,
        "Trois messages par semaine pendant quatre semaines, c'est un quota. On finit par "
        "écrire pour cocher la case, et ça se sent à la lecture.",
        said(
            "fatou",
            REMARK,
            "Le chiffre est là pour donner un rythme, pas un objectif à atteindre. Je peux "
            "l'écrire plus clairement : trois au plus, plutôt que trois au moins ?",
            said(
                "nadia",
                REMARK,
                "« Trois au plus », oui, ça change tout. On choisit ceux à qui on a vraiment "
                "envie d'écrire.",
            ),
        ),
        stance=(-1, 1, 0),
    ),
    said(
        "thomas",
        SUGGESTION,
        "Tenir un petit tableau de suivi : date du message, réponse ou non, suite donnée. Au "
        "bout d'un mois, on voit ce qui marche et ce qui ne marche pas.",
        stance=(1, -1, 0),
    ),
    said(
        "karim",
        CRITICISM,
        "Quatre semaines, c'est long pour tenir un rythme. Deux semaines bien remplies me "
        "paraissent plus réalistes, quitte à recommencer plus tard.",
        stance=(-1, 0, 1),
    ),
    said(
        "claire",
        SUGGESTION,
        "Dire explicitement qu'on peut écrire sans raison particulière : « j'ai pensé à toi en "
        "passant devant notre ancien bureau » suffit largement.",
        stance=(0, 1, 1),
    ),
    said(
        "julien",
        CRITICISM,
        "Proposer un café à chaque réponse, c'est irréaliste en région : tout le monde n'habite "
        "pas à dix minutes. Un appel en vidéo doit compter autant qu'un café.",
        said(
            "fatou",
            REMARK,
            "D'accord, c'est déjà le cas dans l'attente (« café, déjeuner ou appel en vidéo »), "
            "mais la recommandation ne le dit pas. Je corrigerai.",
        ),
        stance=(1, 1, 1),
    ),
    said(
        "aicha",
        SUGGESTION,
        "Commencer par donner : partager un article, féliciter pour un nouveau poste. La "
        "demande viendra plus tard, ou jamais, et ce n'est pas grave.",
        stance=(0, 1, -1),
    ),
    said(
        "olivier",
        CRITICISM,
        "Une rencontre pour la moitié des gens en un mois, c'est ambitieux : beaucoup de "
        "réponses arrivent au bout de trois ou quatre semaines.",
        stance=(-1, 0, 1),
    ),
    said(
        "elodie",
        SUGGESTION,
        "Noter dans entregent la réponse reçue et la date à laquelle relancer, pour ne pas "
        "laisser retomber le lien une deuxième fois.",
        said(
            "ines",
            CRITICISM,
            "Relancer quelqu'un qui n'a pas répondu, c'est insistant. Un message sans réponse "
            "doit pouvoir rester sans suite.",
            stance=(-1, 1, 0),
        ),
        stance=(1, -1, 1),
    ),
    said(
        "hugo",
        SUGGESTION,
        "Accepter les messages vocaux : c'est plus chaleureux qu'un texte, et on les enregistre "
        "en deux minutes dans les transports.",
        stance=(-1, 1, 1),
    ),
    said(
        "marion",
        SUGGESTION,
        "Préparer le lundi la liste des trois personnes de la semaine, avec pour chacune le "
        "souvenir commun à évoquer. Le reste de la semaine, on n'a plus qu'à écrire.",
        stance=(1, 0, -1),
    ),
    said(
        "sophie",
        CRITICISM,
        "Le mot « réactiver » fait penser à un compte client. On renoue avec des personnes, on "
        "ne les réactive pas.",
        stance=(-1, 1, -1),
    ),
    said(
        "romain",
        SUGGESTION,
        "Bloquer un créneau de trente minutes le vendredi pour écrire les trois messages d'un "
        "coup. Étalé sur la semaine, ça ne se fait jamais.",
        stance=(0, -1, 1),
    ),
    said(
        "franck",
        SUGGESTION,
        "Pour gagner du temps, envoyer le même message à tout le monde et ne personnaliser que "
        "le prénom.",
        said(
            "claire",
            REMARK,
            "Ce serait exactement le message qu'on ne lit pas. Le souvenir commun, c'est tout "
            "l'intérêt.",
        ),
        stance=(-1, -1, -1),
    ),
    said(
        "priya",
        CRITICISM,
        "The step assumes every dormant tie is worth reviving. Some people drifted apart for "
        "good reasons; it should say it is fine to leave them be.",
        stance=(0, 1, 0),
    ),
    said(
        "sam",
        SUGGESTION,
        "Suggest reconnecting in a group too: a reunion of a former team revives ten ties in "
        "one evening, and nobody feels singled out.",
        stance=(-1, 1, 1),
    ),
    said(
        "baptiste",
        QUESTION,
        "Faut-il noter aussi les personnes qui n'ont pas répondu ? J'aimerais savoir, au bout "
        "du mois, quelle part de mes messages a reçu une réponse.",
        said(
            "fatou",
            REMARK,
            "Oui : notez le message envoyé comme un échange, même sans réponse. entregent "
            "distingue ensuite ceux qui ont répondu, et vous aurez votre taux.",
        ),
    ),
    said(
        "mathilde",
        REMARK,
        "J'ai écrit à deux anciennes camarades de master avec un souvenir de soutenance. Les "
        "deux ont répondu dans la journée, et l'une m'a proposé un déjeuner.",
        said("lea", REMARK, "Ça donne envie ! Je m'y mets ce soir."),
    ),
    said(
        "tom",
        QUESTION,
        "Does a comment on someone's LinkedIn post count as reaching out, or does it have to "
        "be a private message?",
        said(
            "fatou",
            REMARK,
            "A private message, a call or a meeting: a public comment is a nice nudge, but it "
            "is not yet an exchange between the two of you.",
        ),
    ),
)


# Writing it ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodSummary:
    slug: str
    title: str
    path: str
    steps: int
    comments: int
    trashed: int
    votes: int
    voters: int
    light_members: int
    subscribers: int
    # Step 1's version 1: what its synthesis decided of its proposals.
    dispositions: int
    # Step 2, open for feedback: how many members voted on it.
    open_voters: int
    # Step 1 applied: members who applied a version, debriefs, results releases, and each
    # version's verdict (status, counted members, of whom succeeded); published reports.
    adopters: int
    debriefs: int
    releases: int
    verdicts: dict[int, tuple[str, int, int]]
    reports: int


def load_method_demo(*, seed: str = DEFAULT_SEED, now: dt.datetime | None = None) -> MethodSummary:
    """Create or replace the demo method; its members are created if missing, kept if not."""
    now = now or timezone.now()
    rng = random.Random(f"{seed}:method")
    with transaction.atomic():
        users = ensure_members()
        # Its steps, versions, comments, votes, flags, roles, log and analyses go with it.
        Method.objects.filter(slug=SLUG).delete()
        summary = write_method(users, rng, now)
        refresh_analyses(
            list(
                StepVersion.objects.filter(step__method__slug=SLUG, comments__votes__isnull=False)
                .values_list("pk", flat=True)
                .distinct()
            )
        )
        return summary


def ensure_members() -> dict[str, User]:
    """The demo members who take part, by handle: the full ones ``load_demo`` made (created
    here if missing, so that this runs on its own) and the light ones."""
    full = {member.email: member for member in MEMBERS}
    existing = {u.email: u for u in User.objects.filter(email__in=list(TEAM.values()))}
    # The hash ``load_demo`` gave every demo account: hashing again would cost half a second.
    password = next(
        (u.password for u in existing.values() if u.has_usable_password()), None
    ) or make_password(PASSWORD)
    users = {
        handle: existing.get(email) or ensure_user(full[email], password)
        for handle, email in TEAM.items()
    }
    for member in LIGHT_MEMBERS:
        users[member.handle] = ensure_user(
            DemoMember(member.email, member.name, member.language, member.time_zone, "member"),
            password,
        )
    return users


def typeset(text: str) -> str:
    """French spacing: a no-break space inside guillemets and before « : ; ? ! », so that a
    line never starts with the punctuation (the texts are typed with plain spaces)."""
    text = re.sub(r" ([:;?!»])", "\u00a0\\1", text)
    return text.replace("« ", "«\u00a0")


def _local(now: dt.datetime, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    day = now.astimezone(ZONE).date() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


class WakingClock:
    """Moments between ``start`` and ``end`` counted in waking hours, 7:00 to 23:00 in Paris:
    members comment and vote by day, and a reply written "three hours later" in the evening
    comes the next morning."""

    def __init__(self, start: dt.datetime, end: dt.datetime) -> None:
        self.spans: list[tuple[dt.datetime, dt.datetime]] = []
        day = start.astimezone(ZONE).date()
        while (wake := dt.datetime.combine(day, dt.time(7), tzinfo=ZONE)) < end:
            sleep = dt.datetime.combine(day, dt.time(23), tzinfo=ZONE)
            if max(wake, start) < min(sleep, end):
                self.spans.append((max(wake, start), min(sleep, end)))
            day += dt.timedelta(days=1)
        self.length = sum((finish - begin for begin, finish in self.spans), dt.timedelta())

    def at(self, offset: dt.timedelta) -> dt.datetime:
        """The moment ``offset`` waking hours after the start, and never the end itself."""
        offset = max(dt.timedelta(0), min(offset, self.length - dt.timedelta(minutes=1)))
        for begin, finish in self.spans:
            if offset < finish - begin:
                return begin + offset
            offset -= finish - begin
        return self.spans[-1][1]


def write_method(users: dict[str, User], rng: random.Random, now: dt.datetime) -> MethodSummary:
    facilitator, moderator = users["fatou"], users["nora"]
    method = Method.objects.create(
        title=TITLE,
        slug=SLUG,
        description=typeset(DESCRIPTION),
        language="fr",
        visibility=Method.Visibility.PUBLIC,
        created_by=facilitator,
        created_at=_local(now, CREATED_DAYS_AGO, 10),
    )
    MethodRole.objects.bulk_create(
        [
            MethodRole(
                method=method,
                user=facilitator,
                role=MethodRole.Role.FACILITATOR,
                created_at=_local(now, CREATED_DAYS_AGO, 10),
            ),
            MethodRole(
                method=method,
                user=moderator,
                role=MethodRole.Role.MODERATOR,
                created_at=_local(now, CREATED_DAYS_AGO - 10, 14, 30),
            ),
        ]
    )
    Subscription.objects.bulk_create(
        [
            Subscription(
                method=method,
                user=users[handle],
                created_at=_local(now, CREATED_DAYS_AGO - 2 - 2 * n, 12 + n % 8),
            )
            for n, handle in enumerate(SUBSCRIBERS)
        ]
    )

    # Step 1: version 1 discussed, then validated as it stood (members start applying it);
    # its synthesis weeks later leads to version 2, validated directly, which supersedes it.
    mapping = Step.objects.create(
        method=method, number=1, created_at=_local(now, STEP_1_OPENED_DAYS_AGO + 7, 9)
    )
    opened = _local(now, STEP_1_OPENED_DAYS_AGO, 9)
    closed = _local(now, STEP_1_CLOSED_DAYS_AGO, 18)
    first = write_version(
        mapping,
        MAPPING,
        facilitator,
        number=1,
        state=StepVersion.State.VALIDATED,
        created_at=_local(now, STEP_1_OPENED_DAYS_AGO + 7, 9, 30),
        publish_at=opened,
        published_at=opened,
        closed_at=closed,
        validated_at=_local(now, STEP_1_VALIDATED_DAYS_AGO, 10),
    )
    discussed = write_discussion(
        method, first, DISCUSSION, users, rng, opened, closed, (MIN_VOTES, MAX_VOTES)
    )
    second_validated = _local(now, STEP_1_V2_VALIDATED_DAYS_AGO, 11)
    second = write_version(
        mapping,
        MAPPING_V2,
        facilitator,
        number=2,
        based_on=first,
        state=StepVersion.State.VALIDATED,
        created_at=_local(now, SYNTHESIS_DAYS_AGO - 1, 15),
        published_at=second_validated,
        closed_at=second_validated,
        validated_at=second_validated,
    )
    # What validating version 2 did to version 1 (StepVersion.validate()): superseded, and
    # its synthesis public from then on.
    StepVersion.objects.filter(pk=first.pk).update(
        state=StepVersion.State.SUPERSEDED,
        superseded_at=second_validated,
        synthesis=typeset(SYNTHESIS),
        synthesis_published_at=second_validated,
        updated_at=second_validated,
    )
    dispositions = write_dispositions(
        discussed, facilitator, second, _local(now, SYNTHESIS_DAYS_AGO, 9)
    )
    after = write_discussion(method, second, ON_VERSION_2, users, rng, second_validated, now)

    # Step 2: open for feedback for a week, enough votes for opinion groups.
    reviving = Step.objects.create(
        method=method, number=2, created_at=_local(now, STEP_2_OPENED_DAYS_AGO + 2, 18)
    )
    reviving_opened = _local(now, STEP_2_OPENED_DAYS_AGO, 9)
    open_version = write_version(
        reviving,
        REVIVING,
        facilitator,
        number=1,
        state=StepVersion.State.OPEN,
        created_at=_local(now, STEP_2_OPENED_DAYS_AGO + 2, 18, 20),
        publish_at=reviving_opened,
        published_at=reviving_opened,
    )
    reviving_discussed = write_discussion(
        method,
        open_version,
        REVIVING_DISCUSSION,
        users,
        rng,
        reviving_opened,
        now,
        (REVIVING_MIN_VOTES, REVIVING_MAX_VOTES),
    )

    # Step 3: scheduled, so that the scheduler publishes it while the demo is in use.
    giving = Step.objects.create(method=method, number=3, created_at=_local(now, 2, 18))
    write_version(
        giving,
        GIVING,
        facilitator,
        number=1,
        state=StepVersion.State.SCHEDULED,
        created_at=_local(now, 2, 18, 20),
        publish_at=_local(now, -SCHEDULED_IN_DAYS, 9),
    )

    # Step 1 applied by members in their own networks, debriefed, judged, and reported on.
    applied = write_applied(method, {1: first, 2: second}, users, now)

    comments = [c for _e, c in discussed.planned + after.planned + reviving_discussed.planned]
    votes = discussed.votes + reviving_discussed.votes
    return MethodSummary(
        slug=SLUG,
        title=TITLE,
        path=method.get_absolute_url(),
        steps=3,
        comments=len(comments),
        trashed=sum(c.status == Comment.Status.TRASHED for c in comments),
        votes=len(votes),
        voters=len({vote.voter_id for vote in votes}),
        light_members=len(LIGHT_MEMBERS),
        subscribers=len(SUBSCRIBERS),
        dispositions=len(dispositions),
        open_voters=len({vote.voter_id for vote in reviving_discussed.votes}),
        adopters=applied.adopters,
        debriefs=applied.debriefs,
        releases=applied.releases,
        verdicts=applied.verdicts,
        reports=applied.reports,
    )


def write_version(
    step: Step,
    text: StepText,
    author: User,
    *,
    number: int,
    state: str,
    created_at: dt.datetime,
    publish_at: dt.datetime | None = None,
    published_at: dt.datetime | None = None,
    based_on: StepVersion | None = None,
    closed_at: dt.datetime | None = None,
    validated_at: dt.datetime | None = None,
) -> StepVersion:
    version = StepVersion.objects.create(
        step=step,
        number=number,
        based_on=based_on,
        title=text.title,
        reasoning=typeset(text.reasoning),
        recommendation=typeset(text.recommendation),
        checklist=[typeset(item) for item in text.checklist],
        expected_kind=text.expected_kind,
        expected_count=text.expected_count,
        expected_share=text.expected_share,
        expected_window_days=text.expected_window_days,
        expectation_text=typeset(text.expectation_text),
        state=state,
        publish_at=publish_at,
        published_at=published_at,
        closed_at=closed_at,
        validated_at=validated_at,
        created_by=author,
        created_at=created_at,
    )
    # auto_now stamped the load: last changed at its latest state change (or when written).
    last = max(d for d in (created_at, published_at, closed_at, validated_at) if d is not None)
    StepVersion.objects.filter(pk=version.pk).update(updated_at=last)
    return version


def write_dispositions(
    discussed: Discussed, facilitator: User, integrated_in: StepVersion, at: dt.datetime
) -> list[Disposition]:
    """What the synthesis made of each proposal (``DISPOSITIONS``), decided over a morning;
    the integrated ones point to the version that integrates them."""
    dispositions = []
    proposals = [
        (entry, comment)
        for entry, comment in discussed.planned
        if comment.is_votable and comment.status == Comment.Status.PUBLISHED
    ]
    for n, (entry, comment) in enumerate(proposals):
        decision, reason = next(d for key, d in DISPOSITIONS.items() if entry.body.startswith(key))
        dispositions.append(
            Disposition(
                comment=comment,
                decision=decision,
                reason=typeset(reason),
                integrated_in=integrated_in if decision == INTEGRATED else None,
                decided_by=facilitator,
                decided_at=at + dt.timedelta(minutes=7 * n),
            )
        )
    Disposition.objects.bulk_create(dispositions)
    # auto_now stamped the load: last changed when decided.
    Disposition.objects.filter(pk__in=[d.pk for d in dispositions]).update(
        updated_at=F("decided_at")
    )
    return dispositions


def refresh_analyses(version_ids: list[int]) -> None:
    """The opinion analyses the synthesis workspace reads, computed now rather than left to
    the worker: the demo is looked at as soon as it is loaded."""
    for version_id in version_ids:
        analysis.refresh(version_id)


@dataclass
class Discussed:
    """A version's discussion as written: each comment with what it was planned from, and the
    votes on its proposals."""

    planned: list[tuple[Said, Comment]]
    votes: list[Vote]


def write_discussion(
    method: Method,
    version: StepVersion,
    discussion: tuple[Said, ...],
    users: dict[str, User],
    rng: random.Random,
    start: dt.datetime,
    end: dt.datetime,
    votes_per_voter: tuple[int, int] | None = None,
) -> Discussed:
    """The comments on ``version`` between ``start`` and ``end`` (threads written in bulk,
    one depth at a time), the votes on its proposals (``votes_per_voter``: how many each
    voter casts, at least and at most) with the counts kept on each comment, and the
    moderation of an off-topic comment."""
    clock = WakingClock(start, end)
    planned: list[tuple[Said, Comment]] = []
    # Each comment's moment in the clock's waking hours.
    offsets: dict[int, dt.timedelta] = {}

    def plan(entry: Said, parent: Comment | None, offset: dt.timedelta) -> None:
        comment = Comment(
            version=version,
            step=version.step,
            author=users[entry.author],
            parent=parent,
            depth=parent.depth + 1 if parent else 1,
            kind=entry.kind,
            body=typeset(entry.body),
            created_at=clock.at(offset),
        )
        planned.append((entry, comment))
        offsets[id(comment)] = offset
        for reply in entry.replies:
            # Answers come within the day, sooner when the thread is recent.
            delay = min(
                dt.timedelta(hours=rng.uniform(0.3, 14)),
                (clock.length - offset) * rng.uniform(0.2, 0.7),
            )
            plan(reply, comment, offset + delay)

    # The first comments come in the first days; the pace slows down after.
    for n, thread in enumerate(discussion):
        share = ((n + rng.uniform(0.2, 0.8)) / len(discussion)) ** 1.4
        plan(thread, None, dt.timedelta(minutes=40) + (clock.length * 0.97) * share)

    # Edited by their authors: the text before the edit is the comment's history.
    revisions = []
    for entry, comment in planned:
        if entry.before:
            offset = offsets[id(comment)]
            comment.edited_at = clock.at(offset + (clock.length - offset) * rng.uniform(0.01, 0.1))
            revisions.append(
                CommentRevision(
                    comment=comment,
                    kind=comment.kind,
                    body=typeset(entry.before),
                    replaced_at=comment.edited_at,
                )
            )
    votes = (
        plan_votes(planned, users, rng, clock, offsets, votes_per_voter) if votes_per_voter else []
    )
    tally: Counter[tuple[int, str]] = Counter((id(v.comment), v.choice) for v in votes)
    for _entry, comment in planned:
        for choice, field in Vote.COUNT_FIELDS.items():
            setattr(comment, field, tally[id(comment), choice])

    off_topic = next((comment for entry, comment in planned if entry.off_topic), None)
    if off_topic is not None:
        trashed_at = clock.at(offsets[id(off_topic)] + dt.timedelta(hours=2, minutes=10))
        off_topic.status = Comment.Status.TRASHED
        off_topic.trash_reason = Comment.TrashReason.OFF_TOPIC
        off_topic.trash_note = typeset(OFF_TOPIC_NOTE)

    comments = [comment for _entry, comment in planned]
    for depth in (1, 2, 3):
        level = [c for c in comments if c.depth == depth]
        for comment in level:
            # The parent was inserted with the level above: its id is known now.
            comment.parent_id = comment.parent.pk if comment.parent else None
        Comment.objects.bulk_create(level)
    CommentRevision.objects.bulk_create(revisions)
    Vote.objects.bulk_create(votes, batch_size=500)
    if off_topic is not None:
        moderate_off_topic(method, off_topic, users, clock.at(offsets[id(off_topic)]), trashed_at)
    return Discussed(planned, votes)


def moderate_off_topic(
    method: Method,
    off_topic: Comment,
    users: dict[str, User],
    written: dt.datetime,
    trashed_at: dt.datetime,
) -> None:
    """Two members flag the off-topic comment; the moderator trashes it, with a note."""
    moderator = users["nora"]
    Flag.objects.bulk_create(
        [
            Flag(
                comment=off_topic,
                flagger=users[handle],
                reason=Flag.Reason.OFF_TOPIC,
                note=note,
                created_at=min(written + dt.timedelta(minutes=minutes), trashed_at),
                resolved_at=trashed_at,
            )
            for handle, minutes, note in (
                ("thomas", 25, ""),
                ("celine", 70, "Sans rapport avec l'étape."),
            )
        ]
    )
    ModerationAction.objects.create(
        method=method,
        comment=off_topic,
        moderator=moderator,
        moderator_name=moderator.display_name,
        action=ModerationAction.Action.TRASH,
        reason=Comment.TrashReason.OFF_TOPIC,
        note=off_topic.trash_note,
        created_at=trashed_at,
    )


def plan_votes(
    planned: list[tuple[Said, Comment]],
    users: dict[str, User],
    rng: random.Random,
    clock: WakingClock,
    offsets: dict[int, dt.timedelta],
    votes_per_voter: tuple[int, int],
) -> list[Vote]:
    """Votes on the proposals, each voter on as many of them as ``votes_per_voter`` says
    (never their own), drawn from their group's stance."""
    proposals = [(entry, c) for entry, c in planned if c.is_votable and not entry.off_topic]
    voters = [(m.handle, m.group) for m in LIGHT_MEMBERS if m.votes]
    voters += list(TEAM_GROUPS.items())
    choices = (Vote.Choice.AGREE, Vote.Choice.DISAGREE, Vote.Choice.PASS)
    least, most = votes_per_voter
    votes = []
    for handle, group in voters:
        others = [(entry, c) for entry, c in proposals if entry.author != handle]
        count = rng.randint(min(least, len(others)), min(most, len(others)))
        for entry, comment in rng.sample(others, count):
            choice = rng.choices(choices, VOTE_WEIGHTS[entry.stance[group]])[0]
            # Most votes come soon after the comment, some days later.
            offset = offsets[id(comment)]
            at = clock.at(
                offset + max((clock.length - offset) * rng.random() ** 2, dt.timedelta(minutes=4))
            )
            votes.append(
                Vote(
                    comment=comment,
                    voter=users[handle],
                    choice=choice,
                    created_at=at,
                    updated_at=at,
                )
            )
    return votes

"""The demo's method, « Développer son réseau », caught while it is built in the open.

Step 1 (mapping one's network) has a first version open for feedback since nine days: about
thirty light members, Camille and Sam have written remarks, suggestions, criticisms and
questions, in threads the facilitator answers, and voted on each other's proposals. Step 2
(reviving dormant ties) is scheduled for a few days from now, so the scheduler publishes it
while the demo is in use. The moderator has trashed one off-topic comment, after two flags.

The members fall into three opinion groups (methodical members who like structure and
figures, relational ones wary of "scoring" people, pragmatic ones short of time); each
proposal carries the stance of each group and votes are drawn from it with a seeded random
generator, so that the votes have the structure an opinion analysis should find, and the same
seed gives the same votes.

The light members have no network: they exist to discuss. Everything is written in bulk (a
few dozen queries); running it again replaces the method and keeps the accounts.
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
from django.utils import timezone

from entregent.accounts.models import User
from entregent.demo.loader import DEFAULT_SEED, MEMBERS, PASSWORD, DemoMember, ensure_user
from entregent.goals.models import Outcome
from entregent.method.models import (
    Comment,
    CommentRevision,
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
# Step 1 opened this many days ago; step 2 is published this many days from now.
OPENED_DAYS_AGO = 9
SCHEDULED_IN_DAYS = 4
# Each voter votes on at least this many proposals (and at most ``MAX_VOTES``).
MIN_VOTES = 7
MAX_VOTES = 20

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


def load_method_demo(*, seed: str = DEFAULT_SEED, now: dt.datetime | None = None) -> MethodSummary:
    """Create or replace the demo method; its members are created if missing, kept if not."""
    now = now or timezone.now()
    rng = random.Random(f"{seed}:method")
    with transaction.atomic():
        users = ensure_members()
        # Its steps, versions, comments, votes, flags, roles and log go with it.
        Method.objects.filter(slug=SLUG).delete()
        return write_method(users, rng, now)


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
        created_at=_local(now, 41, 10),
    )
    MethodRole.objects.bulk_create(
        [
            MethodRole(
                method=method,
                user=facilitator,
                role=MethodRole.Role.FACILITATOR,
                created_at=_local(now, 41, 10),
            ),
            MethodRole(
                method=method,
                user=moderator,
                role=MethodRole.Role.MODERATOR,
                created_at=_local(now, 30, 14, 30),
            ),
        ]
    )
    Subscription.objects.bulk_create(
        [
            Subscription(
                method=method, user=users[handle], created_at=_local(now, 38 - 2 * n, 12 + n % 8)
            )
            for n, handle in enumerate(SUBSCRIBERS)
        ]
    )
    opened = _local(now, OPENED_DAYS_AGO, 9)
    mapping = Step.objects.create(method=method, number=1, created_at=_local(now, 16, 9))
    version = write_version(
        mapping,
        MAPPING,
        facilitator,
        state=StepVersion.State.OPEN,
        created_at=_local(now, 16, 9, 30),
        publish_at=opened,
        published_at=opened,
    )
    reviving = Step.objects.create(method=method, number=2, created_at=_local(now, 3, 18))
    write_version(
        reviving,
        REVIVING,
        facilitator,
        state=StepVersion.State.SCHEDULED,
        created_at=_local(now, 3, 18, 20),
        publish_at=_local(now, -SCHEDULED_IN_DAYS, 9),
    )
    comments, votes = write_discussion(method, version, users, rng, now)
    return MethodSummary(
        slug=SLUG,
        title=TITLE,
        path=method.get_absolute_url(),
        steps=2,
        comments=len(comments),
        trashed=sum(c.status == Comment.Status.TRASHED for c in comments),
        votes=len(votes),
        voters=len({vote.voter_id for vote in votes}),
        light_members=len(LIGHT_MEMBERS),
        subscribers=len(SUBSCRIBERS),
    )


def write_version(
    step: Step,
    text: StepText,
    author: User,
    *,
    state: str,
    created_at: dt.datetime,
    publish_at: dt.datetime,
    published_at: dt.datetime | None = None,
) -> StepVersion:
    version = StepVersion.objects.create(
        step=step,
        number=1,
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
        created_by=author,
        created_at=created_at,
    )
    # auto_now stamped the load: last edited when it was published (or written).
    StepVersion.objects.filter(pk=version.pk).update(updated_at=published_at or created_at)
    return version


def write_discussion(
    method: Method,
    version: StepVersion,
    users: dict[str, User],
    rng: random.Random,
    now: dt.datetime,
) -> tuple[list[Comment], list[Vote]]:
    """The comments on ``version`` (threads written in bulk, one depth at a time), the votes
    on its proposals with the counts kept on each comment, and the moderation of the
    off-topic one."""
    opened = version.published_at
    assert opened is not None
    clock = WakingClock(opened, now)
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
    for n, thread in enumerate(DISCUSSION):
        share = ((n + rng.uniform(0.2, 0.8)) / len(DISCUSSION)) ** 1.4
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
    votes = plan_votes(planned, users, rng, clock, offsets)
    tally: Counter[tuple[int, str]] = Counter((id(v.comment), v.choice) for v in votes)
    for _entry, comment in planned:
        for choice, field in Vote.COUNT_FIELDS.items():
            setattr(comment, field, tally[id(comment), choice])

    off_topic = next(comment for entry, comment in planned if entry.off_topic)
    trashed_offset = offsets[id(off_topic)] + dt.timedelta(hours=2, minutes=10)
    trashed_at = clock.at(trashed_offset)
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

    moderator = users["nora"]
    Flag.objects.bulk_create(
        [
            Flag(
                comment=off_topic,
                flagger=users[handle],
                reason=Flag.Reason.OFF_TOPIC,
                note=note,
                created_at=clock.at(offsets[id(off_topic)] + dt.timedelta(minutes=minutes)),
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
    return comments, votes


def plan_votes(
    planned: list[tuple[Said, Comment]],
    users: dict[str, User],
    rng: random.Random,
    clock: WakingClock,
    offsets: dict[int, dt.timedelta],
) -> list[Vote]:
    """Votes on the proposals, each voter on ``MIN_VOTES`` to ``MAX_VOTES`` of them (never
    their own), drawn from their group's stance."""
    proposals = [(entry, c) for entry, c in planned if c.is_votable and not entry.off_topic]
    voters = [(m.handle, m.group) for m in LIGHT_MEMBERS if m.votes]
    voters += list(TEAM_GROUPS.items())
    choices = (Vote.Choice.AGREE, Vote.Choice.DISAGREE, Vote.Choice.PASS)
    votes = []
    for handle, group in voters:
        others = [(entry, c) for entry, c in proposals if entry.author != handle]
        count = rng.randint(MIN_VOTES, min(MAX_VOTES, len(others)))
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

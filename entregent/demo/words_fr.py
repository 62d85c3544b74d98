"""Camille's world: a communication consultant in Lyon and the people she knows.

Occupations are adapted from ESCO's French labels; names, organisations and stories are the
kind a French member would type. Phone numbers use the ranges ARCEP sets aside for fiction
(01 99 00, 06 39 98) and email domains end in ``.example``, so no real person is reachable
through the demo.
"""

from __future__ import annotations

from entregent.demo.vocabulary import Circle, ObjectiveIdea, Organisation, Person, Vocabulary

# fmt: off
FEMALE_NAMES = (
    "Hélène", "Noémie", "Élodie", "Céline", "Aurélie", "Chloé", "Léa", "Zoé", "Inès", "Maëlle",
    "Anaïs", "Gaëlle", "Cécile", "Agnès", "Mélanie", "Valérie", "Clémence", "Émilie", "Sophie",
    "Camille", "Julie", "Marion", "Pauline", "Laure", "Claire", "Isabelle", "Nathalie", "Sandrine",
    "Virginie", "Stéphanie", "Aïcha", "Yasmina", "Leïla", "Fatima", "Sarah", "Manon", "Lucie",
    "Margaux", "Océane", "Bérénice", "Solène", "Apolline", "Ophélie", "Héloïse", "Thérèse",
    "Françoise", "Brigitte", "Martine", "Sylvie", "Dominique", "Mathilde", "Amandine", "Nadia",
    "Linh", "Mariam", "Awa", "Rokia", "Jeanne", "Louise", "Alice", "Romane", "Capucine",
)
MALE_NAMES = (
    "Stéphane", "Jérôme", "Frédéric", "Benoît", "François", "Joël", "Loïc", "Sébastien",
    "Grégoire", "Rémi", "Timothée", "Théo", "Raphaël", "Noé", "Maxime", "Nicolas", "Julien",
    "Thomas", "Antoine", "Guillaume", "Mathieu", "Olivier", "Laurent", "Philippe", "Pascal",
    "Thierry", "Éric", "Hervé", "Gérard", "Bruno", "Karim", "Mehdi", "Sofiane", "Yacine",
    "Mamadou", "Ousmane", "Moussa", "Hugo", "Louis", "Arthur", "Gabriel", "Adrien", "Baptiste",
    "Quentin", "Romain", "Cédric", "Jean-Marc", "Jean-Philippe", "Pierre-Yves", "Anthony",
    "Damien", "Xavier", "Yannick", "Gaëtan", "Mickaël", "Florian", "Kevin", "Tanguy", "Minh",
    "Aurélien", "Félix", "Élie",
)
FAMILY_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèbvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
    "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller",
    "Henry", "Roussel", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez",
    "Fontaine", "Chevalier", "Robin", "Masson", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire",
    "Duval", "Joly", "Roche", "Noël", "Meyer", "Meunier", "Pérez", "Marchand", "Dufour",
    "Blanchard", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Colin", "Renard", "Arnaud",
    "Caron", "Aubert", "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard",
    "Gaillard", "Lacroix", "Fabre", "Dupuis", "Olivier", "Da Silva", "Rivière", "Le Gall",
    "Ménard", "Fleury", "Deschamps", "Carpentier", "Maillard", "Aubry", "Prévost", "Poirier",
    "Charpentier", "Huet", "Dupuy", "Carré", "Breton", "Rémy", "Guyot", "Cousin", "Bensaïd",
    "Haddad", "Diallo", "Traoré", "Benali", "Kaci", "Mendy", "Tran", "Lê", "Cohen", "Lévy",
    "Le Bihan", "Kerjean", "Etcheverry", "Bouchard", "Ferrand", "Sarr", "Ndiaye",
)

# Adapted from ESCO's French occupation labels: masculine|feminine, or one epicene label.
OCCUPATIONS = (
    "directeur commercial|directrice commerciale",
    "chargé de communication|chargée de communication", "responsable marketing",
    "chef de projet digital|cheffe de projet digital", "développeur web|développeuse web",
    "ingénieur logiciel|ingénieure logiciel", "administrateur systèmes|administratrice systèmes",
    "data scientist", "analyste financier|analyste financière",
    "expert-comptable|experte-comptable", "contrôleur de gestion|contrôleuse de gestion",
    "conseiller bancaire|conseillère bancaire",
    "chargé d'affaires entreprises|chargée d'affaires entreprises",
    "directeur d'agence bancaire|directrice d'agence bancaire",
    "avocat en droit social|avocate en droit social", "notaire", "juriste d'entreprise",
    "responsable des ressources humaines", "chargé de recrutement|chargée de recrutement",
    "consultant en organisation|consultante en organisation",
    "formateur pour adultes|formatrice pour adultes", "coach professionnel|coach professionnelle",
    "responsable logistique", "acheteur industriel|acheteuse industrielle",
    "ingénieur qualité|ingénieure qualité",
    "technicien de maintenance|technicienne de maintenance", "responsable de production",
    "directeur d'usine|directrice d'usine", "architecte", "architecte d'intérieur", "urbaniste",
    "conducteur de travaux|conductrice de travaux", "menuisier|menuisière",
    "électricien|électricienne", "plombier chauffagiste|plombière chauffagiste",
    "boulanger|boulangère", "chef cuisinier|cheffe cuisinière", "caviste", "fromager|fromagère",
    "restaurateur|restauratrice", "libraire", "journaliste", "rédacteur web|rédactrice web",
    "attaché de presse|attachée de presse", "photographe", "vidéaste", "traducteur|traductrice",
    "interprète de conférence", "community manager", "responsable RSE",
    "chargé de mission développement économique|chargée de mission développement économique",
    "directeur général des services|directrice générale des services",
    "élu municipal|élue municipale", "chargé de mission insertion|chargée de mission insertion",
    "délégué général d'association|déléguée générale d'association",
    "responsable des partenariats", "chargé de mécénat|chargée de mécénat",
    "enseignant-chercheur en gestion|enseignante-chercheuse en gestion",
    "professeur des écoles|professeure des écoles", "médecin généraliste",
    "infirmier libéral|infirmière libérale", "pharmacien|pharmacienne", "kinésithérapeute",
    "psychologue du travail", "directeur d'hôpital|directrice d'hôpital",
    "agent immobilier|agente immobilière", "courtier en assurances|courtière en assurances",
    "gestionnaire de patrimoine", "chef d'entreprise|cheffe d'entreprise",
    "fondateur de start-up|fondatrice de start-up", "responsable export",
    "commercial terrain|commerciale terrain", "ingénieur d'affaires|ingénieure d'affaires",
    "product manager", "product owner", "scrum master", "responsable cybersécurité",
    "administrateur de bases de données|administratrice de bases de données",
    "consultant SAP|consultante SAP", "directeur financier|directrice financière",
    "directeur des systèmes d'information|directrice des systèmes d'information", "office manager",
    "assistant de direction|assistante de direction",
    "chargé d'études marketing|chargée d'études marketing", "régisseur son|régisseuse son",
    "organisateur d'événements|organisatrice d'événements",
    "guide-conférencier|guide-conférencière", "responsable d'hôtel", "agriculteur|agricultrice",
    "viticulteur|viticultrice", "ingénieur agronome|ingénieure agronome",
    "conseiller en énergie|conseillère en énergie",
    "ingénieur en génie climatique|ingénieure en génie climatique", "céramiste", "ébéniste",
    "tapissier d'ameublement|tapissière d'ameublement", "modéliste", "couturier|couturière",
    "fleuriste", "paysagiste", "ostéopathe", "sophrologue", "médiateur|médiatrice",
    "conseiller en insertion professionnelle|conseillère en insertion professionnelle",
    "éducateur spécialisé|éducatrice spécialisée", "bibliothécaire", "archiviste",
    "conservateur du patrimoine|conservatrice du patrimoine", "torréfacteur|torréfactrice",
    "brasseur|brasseuse", "chef de rayon|cheffe de rayon",
    "directeur de magasin|directrice de magasin", "pilote de ligne",
    "contrôleur aérien|contrôleuse aérienne", "ingénieur ferroviaire|ingénieure ferroviaire",
    "chauffeur routier|chauffeuse routière", "transitaire",
)

DOMAINS = (
    "la transition énergétique", "la finance d'entreprise", "les marchés publics", "l'e-commerce",
    "la santé au travail", "l'agroalimentaire", "l'économie sociale et solidaire",
    "la cybersécurité", "la logistique urbaine", "le tourisme durable",
    "la formation professionnelle", "l'innovation publique", "la reprise d'entreprise",
    "l'export vers l'Afrique de l'Ouest", "l'industrie textile", "le bâtiment basse consommation",
    "la communication de crise", "la marque employeur", "les levées de fonds", "l'artisanat d'art",
    "la mobilité douce", "le recrutement de profils tech", "la relation client",
    "les circuits courts",
)
# fmt: on

HEADLINES = (
    "{job} chez {org}",
    "{job} chez {org}, {spécialisé|spécialisée} dans {domain}",
    "{job} {indépendant|indépendante} : {domain}",
    "{job}, accompagne les PME sur {domain}",
    "{job} à {city}",
    "{job} — {domain}",
    "{Ancien|Ancienne} {job}, aujourd'hui dans {domain}",
    "{job}, {passionné|passionnée} par {domain}",
    "Aide les dirigeants sur {domain}",
    "{job}, bénévole chez {asso}",
)

ORGANISATIONS = (
    Organisation("Société Générale", "bank"),
    Organisation("Crédit Agricole Centre-Est", "bank"),
    Organisation("BNP Paribas", "bank"),
    Organisation("Crédit Mutuel", "bank"),
    Organisation("Banque Populaire Auvergne Rhône Alpes", "bank"),
    Organisation("Bpifrance", "bank"),
    Organisation("La Poste", "corp"),
    Organisation("SNCF Voyageurs", "corp"),
    Organisation("Orange", "corp"),
    Organisation("Michelin", "corp"),
    Organisation("Groupe SEB", "corp"),
    Organisation("Decathlon", "corp"),
    Organisation("Capgemini", "corp"),
    Organisation("Sopra Steria", "corp"),
    Organisation("Airbus", "corp"),
    Organisation("Thales", "corp"),
    Organisation("Boiron", "corp"),
    Organisation("Doctolib", "corp"),
    Organisation("Back Market", "corp"),
    Organisation("MAIF", "corp"),
    Organisation("Agence Nouvelle Vague", "agency", "Lyon"),
    Organisation("Studio Brume", "agency", "Lyon"),
    Organisation("Pixel & Plume", "agency", "Villeurbanne"),
    Organisation("Agence Azimut", "agency", "Paris"),
    Organisation("L'Atelier des Mots", "agency", "Grenoble"),
    Organisation("Agence Rhizome", "agency", "Lyon"),
    Organisation("Menuiserie Perrin & Fils", "sme", "Villeurbanne"),
    Organisation("Imprimerie Lacroix", "sme", "Lyon"),
    Organisation("Transports Vidal", "sme", "Vénissieux"),
    Organisation("Fromagerie des Monts du Lyonnais", "sme", "Saint-Symphorien-sur-Coise"),
    Organisation("Brasserie La Canute", "sme", "Lyon"),
    Organisation("Cabinet Bonnet & Associés", "sme", "Lyon"),
    Organisation("Garage Rousseau", "sme", "Bron"),
    Organisation("Céramiques Faure", "sme", "Annecy"),
    Organisation("Boulangerie Maison Ferrand", "sme", "Lyon"),
    Organisation("Torréfaction du Vieux Lyon", "sme", "Lyon"),
    Organisation("Textiles Girard", "sme", "Roanne"),
    Organisation("Les Restos du Cœur", "asso"),
    Organisation("Emmaüs Connect", "asso"),
    Organisation("Réseau Entreprendre Rhône", "asso", "Lyon"),
    Organisation("Secours populaire", "asso"),
    Organisation("Les Petits Frères des Pauvres", "asso"),
    Organisation("Makesense", "asso"),
    Organisation("Association des Amis du Musée des Confluences", "asso", "Lyon"),
    Organisation("Mairie de Villeurbanne", "public", "Villeurbanne"),
    Organisation("Métropole de Lyon", "public", "Lyon"),
    Organisation("Région Auvergne-Rhône-Alpes", "public", "Lyon"),
    Organisation("Conseil départemental de l'Ain", "public", "Bourg-en-Bresse"),
    Organisation("CCI Lyon Métropole", "public", "Lyon"),
    Organisation("France Travail", "public"),
    Organisation("Communauté de communes du Pays de Gex", "public", "Gex"),
    Organisation("Université Lumière Lyon 2", "school", "Lyon"),
    Organisation("INSA Lyon", "school", "Villeurbanne"),
    Organisation("emlyon business school", "school", "Écully"),
    Organisation("Sciences Po Lyon", "school", "Lyon"),
    Organisation("CNRS", "school"),
    Organisation("Hospices Civils de Lyon", "health", "Lyon"),
    Organisation("CHU Grenoble Alpes", "health", "Grenoble"),
    Organisation("Clinique du Parc", "health", "Lyon"),
    Organisation("Pharmacie du Marché", "health", "Caluire-et-Cuire"),
)

CIRCLES = (
    Circle(
        "client",
        "clients",
        14,
        ("sme", "corp", "public", "health", "bank"),
        (
            "{Rencontré|Rencontrée} lors d'un appel d'offres de {org}",
            "Venu{e} à mon atelier « Parler de son métier » à {city}",
            "A trouvé mon site en cherchant une consultante en communication",
            "Recommandé{e} par un client de la première heure",
            "Premier rendez-vous {event}",
        ),
    ),
    Circle(
        "prospect",
        "prospects",
        10,
        ("sme", "corp", "public", "asso"),
        (
            "Échange de cartes {event}",
            "Contact LinkedIn après ma conférence sur {topic}",
            "Croisé{e} au petit-déjeuner de la CCI",
            "A commenté mon article sur {topic}",
        ),
    ),
    Circle(
        "colleague",
        "anciens collègues",
        16,
        ("bank", "corp", "agency"),
        (
            "Nous avons travaillé ensemble chez {org} de {year} à {year2}",
            "Dans la même équipe chez {org}, bureau d'en face",
            "{Mon ancien manager|Mon ancienne manager} chez {org}",
            "{Arrivé|Arrivée} chez {org} la même semaine que moi",
        ),
    ),
    Circle(
        "supplier",
        "fournisseurs",
        8,
        ("agency", "sme", "freelance"),
        (
            "Trouvé{e} via une recherche de prestataires pour un client",
            "Nous a dépannés en urgence pour un salon en {year}",
            "Recommandé{e} par l'Imprimerie Lacroix",
        ),
    ),
    Circle(
        "mentor",
        "mentors",
        3,
        ("corp", "asso", "school"),
        (
            "{Mon parrain|Ma marraine} au Réseau Entreprendre",
            "{Rencontré|Rencontrée} au programme de mentorat de l'école",
            "Son livre m'a décidée à me lancer ; je lui ai écrit, {il|elle} a répondu",
        ),
    ),
    Circle(
        "association",
        "association",
        8,
        ("asso",),
        (
            "Bénévoles ensemble chez {org}",
            "Au conseil d'administration de {org}",
            "{Rencontré|Rencontrée} à la collecte nationale de {org}",
        ),
    ),
    Circle(
        "alumni",
        "promo",
        8,
        ("corp", "bank", "school", "public"),
        (
            "Même promo à Sciences Po Lyon ({year})",
            "En master ensemble à Lyon 2",
            "{Rencontré|Rencontrée} au gala des anciens de l'emlyon",
        ),
    ),
    Circle(
        "freelance",
        "freelances",
        8,
        ("freelance",),
        (
            "Même espace de coworking à la Croix-Rousse",
            "Nous avons répondu ensemble à un appel d'offres de {org}",
            "{Rencontré|Rencontrée} à un apéro freelances à {city}",
        ),
    ),
    Circle(
        "local",
        "réseau local",
        8,
        ("sme", "public", "health"),
        (
            "Au club d'entrepreneurs du 4e arrondissement",
            "{Voisin|Voisine} de stand au marché des créateurs",
            "Croisé{e} tous les mardis au club de course à pied",
        ),
    ),
    Circle(
        "friend",
        "amis",
        6,
        ("corp", "sme", "health", "school", "freelance"),
        (
            "Ami{e} d'enfance, perdu{e} de vue puis retrouvé{e} sur LinkedIn",
            "{Rencontré|Rencontrée} au mariage de Julie",
            "Colocataire pendant mes études à Grenoble",
        ),
    ),
    Circle("other", "", 11, ("corp", "sme", "public", "freelance", "agency"), ()),
)

EXTRA_TAGS = ("à relancer", "prioritaire", "presse", "investisseurs", "Lyon")
# fmt: off
CITIES = (
    "Lyon", "Lyon", "Lyon", "Villeurbanne", "Paris", "Paris", "Grenoble", "Annecy",
    "Saint-Étienne", "Marseille", "Nantes", "Bordeaux", "Lille", "Toulouse", "Montpellier",
    "Genève", "Bruxelles", "Montréal", "Clermont-Ferrand", "Chambéry", "Valence", "Mâcon", "Dijon",
    "Caluire-et-Cuire", "Écully", "Bron", "Vénissieux",
)
POSTCODES = {
    "Lyon": "69004", "Villeurbanne": "69100", "Paris": "75011", "Grenoble": "38000",
    "Annecy": "74000", "Saint-Étienne": "42000", "Marseille": "13006", "Nantes": "44000",
    "Bordeaux": "33000", "Lille": "59000", "Toulouse": "31000", "Montpellier": "34000",
    "Clermont-Ferrand": "63000", "Chambéry": "73000", "Valence": "26000", "Mâcon": "71000",
    "Dijon": "21000", "Caluire-et-Cuire": "69300", "Écully": "69130", "Bron": "69500",
    "Vénissieux": "69200",
}
STREETS = (
    "rue de la République", "avenue Jean-Jaurès", "quai Saint-Vincent", "place Bellecour",
    "rue Mercière", "cours Lafayette", "boulevard des Belges", "rue du Faubourg Saint-Antoine",
    "rue des Tanneurs", "chemin des Vignes", "impasse des Lilas", "rue Hénon",
    "montée de la Grande-Côte", "rue Paul-Bert", "avenue Félix-Faure",
)
ADDRESS_FORMAT = "{number} {street}\n{postcode} {city}"

# Fictional ranges written the ways French people write numbers (and a few neighbours').
PHONE_FORMATS = (
    "06 39 98 {a:02d} {b:02d}", "06.39.98.{a:02d}.{b:02d}", "+33 6 39 98 {a:02d} {b:02d}",
    "0639 98{a:02d}{b:02d}", "01 99 00 {a:02d} {b:02d}", "+33 (0)1 99 00 {a:02d} {b:02d}",
    "0033 1 99 00 {a:02d} {b:02d}", "04 99 00 {a:02d} {b:02d}", "+32 2 555 {a:02d} {b:02d}",
    "+41 22 555 {a:02d} {b:02d}",
)
# fmt: on

POINT_LABELS = {
    "email": ("travail", "perso", ""),
    "phone": ("mobile", "bureau", "standard", ""),
    "address": ("bureau", "domicile", "atelier"),
    "url": ("site", "portfolio", "blog"),
    "linkedin": ("",),
}

# fmt: off
# With the preposition French needs in front of each ("vue au Sido", "à la Soirée...").
EVENTS = (
    "au Salon des entrepreneurs de Lyon", "au Forum des associations de Villeurbanne",
    "à la Soirée réseau de la CCI", "au Blend Web Mix", "à Mix-IT", "au Sido",
    "aux Rencontres Innovation Santé", "au Petit-déjeuner Réseau Entreprendre",
    "à la Journée de l'ESS en Auvergne-Rhône-Alpes",
    "à l'Afterwork des anciens de Sciences Po Lyon", "au Festival Lumière",
    "au Salon Franchise Expo", "aux Assises de la communication publique",
    "à la Nuit des startups",
)
PROJECTS = (
    "la refonte du site", "le catalogue printemps", "le plan de communication annuel",
    "l'appel d'offres de la Métropole", "la levée de fonds", "la charte graphique",
    "le rapport RSE", "l'inauguration du nouvel atelier", "la campagne de recrutement",
    "le salon de septembre", "la newsletter mensuelle", "le lancement de la gamme bio",
)
TOPICS = (
    "la prise de parole en public", "la communication des PME",
    "la présence sur les réseaux sociaux", "la reconversion professionnelle",
    "la marque employeur", "l'écriture inclusive",
    "la communication de crise", "la sobriété numérique",
)
# fmt: on

SUMMARIES = {
    "meeting": (
        "Café pour parler de sa reconversion",
        "Déjeuner au Bouchon des Filles : point sur ses projets",
        "Rendez-vous dans ses locaux pour découvrir l'équipe",
        "Apéro après le travail, place Sathonay",
        "Visite de l'atelier et présentation des nouveaux produits",
        "Déjeuner : {il|elle} cherche un comptable pour sa boîte",
        "Café pour préparer {project}",
        "Réunion de travail sur {project}",
        "Balade au parc de la Tête d'Or, on a parlé de {topic}",
        "Petit-déjeuner pour faire le point avant l'été",
        "Rendez-vous à la Part-Dieu entre deux trains",
    ),
    "call": (
        "Appel pour caler le devis : {project}",
        "Point téléphonique sur {project}",
        "Appel rapide : ses conseils pour ma négociation",
        "Appel de suivi après la proposition commerciale",
        "{Il|Elle} m'a appelée pour un avis sur {topic}",
        "Appel pour prendre des nouvelles après son opération",
        "Coup de fil pour une recommandation de fournisseur",
    ),
    "video": (
        "Visio de lancement : {project}",
        "Visio : retour sur le brief",
        "Point mensuel en visio",
        "Visio avec son équipe pour l'atelier « {topic} »",
        "Visio pour relire ensemble {project}",
        "Entretien en visio pour un témoignage client",
    ),
    "message": (
        "Message de félicitations pour son nouveau poste",
        "Message WhatsApp : nouvelles de la famille",
        "Envoi de l'article sur {topic} qui l'intéressait",
        "Vœux de bonne année",
        "Message pour son anniversaire",
        "Message LinkedIn : bravo pour sa conférence",
        "SMS pour décaler notre café",
    ),
    "email": (
        "Email : envoi de la proposition pour {project}",
        "Relance sur la facture n° {n}",
        "Partage du compte rendu de la réunion",
        "Email de remerciement après le salon",
        "Envoi de ma plaquette et de deux références",
        "Réponse à sa question sur {topic}",
    ),
    "event": (
        "{event_name}",
        "Vu{e} {event}",
        "{event_name} : discuté de {topic}",
        "Table ronde sur {topic} à {city}",
    ),
}
INTRODUCTION_SUMMARY = "Mise en relation : {introducer} me présente {introduced}"
GROUP_SUMMARIES = (
    "Déjeuner avec l'équipe de {org}",
    "Réunion de lancement chez {org} : {project}",
    "Atelier de co-construction avec {org}",
    "Point d'étape sur {project}",
)
INTERACTION_NOTES = (
    "- Cherche un·e graphiste pour refaire son identité visuelle\n- À relancer en septembre",
    "Budget serré cette année, mais **très motivé·e**. Renvoyer le devis révisé.",
    "Points abordés :\n\n1. calendrier du projet\n2. budget\n3. qui valide en interne",
    "Son fils entre en 6e à la rentrée. Penser à demander comment ça se passe.",
    "A mentionné un poste de chargé·e de communication qui s'ouvre chez eux en janvier.",
    "Très bon échange. *Suite* : je lui envoie les contacts de deux imprimeurs.",
    "Pas convaincu·e par notre approche ; on en reparle au printemps.",
    "- Signature prévue fin du mois\n- Facture en deux fois",
)
CONTACT_NOTES = (
    "**Ce qu'{il|elle} fait mieux que personne** : expliquer simplement le compliqué.",
    "- Préfère les appels le matin\n- Répond vite sur LinkedIn, jamais aux emails",
    "Deux enfants, fan de trail. Court l'UTMB chaque année.",
    "Parle couramment espagnol et portugais ; utile pour les clients au Brésil.",
    "## À retenir\n\n- connaît tout le monde à la CCI\n- ne pas l'appeler le vendredi",
    "{Végétarien|Végétarienne} ; réserver ailleurs qu'au bouchon.",
    "Cherche à rejoindre une structure de l'ESS, m'a demandé de garder l'œil ouvert.",
    "Excellent{e} orat{eur|rice}, à proposer pour les tables rondes.",
    "Réseau solide dans la santé : *ne pas hésiter à lui demander des introductions*.",
)
TRUST_NOTES = (
    "A tenu tous les délais sur {project}.",
    "Très fiable, m'a recommandée deux fois sans que je le demande.",
    "{Discret|Discrète} : on peut lui confier des sujets sensibles.",
    "A oublié deux rendez-vous ; à confirmer la veille.",
    "Paye toujours à 30 jours, sans relance.",
    "Promet beaucoup, livre la moitié.",
)
INTRODUCED_STORIES = (
    "Présenté{e} par {introducer} autour d'un café",
    "{introducer} nous a mis en relation pour {project}",
    "Recommandé{e} par {introducer}, qui {le|la} connaît depuis longtemps",
)
MEMBER_INTRODUCTIONS = (
    "J'ai présenté {a} à {b} pour {project}",
    "Mise en relation de {a} et {b} : {project}",
)
RELATIONSHIP_NOTES = {
    "knows": ("Se connaissent depuis l'école", "Même club de course", "Voisins de bureau"),
    "introduced": ("Mise en relation pour {project}",),
    "works_with": ("Même équipe", "Travaillent ensemble sur {project}", "Associés"),
}

# Graphic designers described in different words, in a headline, a job title or only in the
# notes: the network search must find all of them when the member asks for a "graphiste".
PEOPLE = (
    Person(
        "Hélène",
        "Marchand",
        True,
        "supplier",
        headline="Graphiste indépendante, identités visuelles pour les PME et les associations",
        job_title="Graphiste",
        organisation="Indépendante",
        location="Lyon",
        tie_strength=4,
        trust_rating=5,
        trust_note="Livre toujours en avance, et dit non quand un délai est intenable.",
        email="helene@marchand-graphisme.example",
        phone="06 39 98 11 42",
        linkedin="https://www.linkedin.com/in/helene-marchand-graphiste",
    ),
    Person(
        "Stéphane",
        "Roux",
        False,
        "colleague",
        headline="Conçoit des interfaces d'applications de santé",
        job_title="UI designer",
        organisation="Studio Brume",
        location="Lyon",
        tie_strength=3,
        email="stephane.roux@studio-brume.example",
    ),
    Person(
        "Noémie",
        "Faure",
        True,
        "client",
        headline="Direction artistique de campagnes print et digitales",
        job_title="Directrice artistique",
        organisation="Agence Nouvelle Vague",
        location="Lyon",
        tie_strength=5,
        trust_rating=4,
    ),
    Person(
        "Karim",
        "Benali",
        False,
        "freelance",
        headline="Infographiste 3D : visuels produits et perspectives d'architecture",
        job_title="Infographiste 3D",
        organisation="Pixel & Plume",
        location="Villeurbanne",
        tie_strength=2,
    ),
    Person(
        "Aurélie",
        "Lemoine",
        True,
        "local",
        job_title="Boulangère",
        organisation="Boulangerie Maison Ferrand",
        location="Lyon",
        notes=(
            "A été **designer graphique** en agence pendant huit ans avant de reprendre la "
            "boulangerie de ses parents. Toujours partante pour dessiner un logo."
        ),
        tie_strength=3,
    ),
    Person(
        "Maëlle",
        "Guérin",
        True,
        "friend",
        headline="Illustratrice jeunesse et éditoriale",
        job_title="Illustratrice",
        location="Annecy",
        tie_strength=4,
    ),
    Person(
        "Chloé",
        "Da Silva",
        True,
        "prospect",
        headline="Webdesigneuse et graphiste print pour les commerces de proximité",
        job_title="Webdesigneuse",
        organisation="Indépendante",
        location="Grenoble",
    ),
    Person(
        "Grégoire",
        "Lacroix",
        False,
        "mentor",
        headline="Ancien directeur de la communication, aujourd'hui administrateur d'associations",
        job_title="Administrateur",
        organisation="Réseau Entreprendre Rhône",
        location="Lyon",
        tie_strength=5,
        trust_rating=5,
        trust_note="Toujours de bon conseil ; m'a ouvert les portes de la Métropole.",
    ),
    # The same person twice, as an import and a manual entry leave them: the duplicate review
    # has something to propose.
    Person(
        "Frédéric",
        "Vidal",
        False,
        "client",
        job_title="Directeur logistique",
        organisation="Transports Vidal",
        location="Vénissieux",
        email="frederic.vidal@transports-vidal.example",
        phone="+33 6 39 98 27 15",
        tie_strength=3,
    ),
    Person(
        "Frederic",
        "Vidal",
        False,
        "client",
        organisation="Transports Vidal",
        email="Frederic.Vidal@transports-vidal.example",
        phone="06 39 98 27 15",
    ),
)

# Camille's objectives over the past year: what a consultant in communication looks for.
OBJECTIVES = (
    ObjectiveIdea(
        "client",
        "Signer deux nouveaux clients PME dans la région lyonnaise",
        "Des PME industrielles ou des associations qui veulent structurer leur communication, "
        "avec un budget d'au moins 8 000 € par an. Idéalement par la recommandation d'un client.",
        started_days_ago=250,
        target_in_days=120,
        words=(
            "chef d'entreprise",
            "cheffe d'entreprise",
            "fondat*",
            "directeur commercial",
            "directrice commerciale",
            "responsable marketing",
        ),
        circles=("prospect", "client"),
        contacts=5,
        progress_kind="lead_client",
    ),
    ObjectiveIdea(
        "supplier",
        "Trouver un ou une graphiste de confiance pour sous-traiter les identités visuelles",
        "Quelqu'un qui comprend les PME, tient ses délais et travaille aussi bien en print "
        "qu'en digital.",
        status="reached",
        started_days_ago=330,
        closed_days_ago=200,
        people=("Hélène Marchand", "Karim Benali", "Chloé Da Silva"),
        words=("graphiste", "illustrat*", "webdesign*"),
        progress_kind="lead_supplier",
        notes=(
            "{name} m'a montré son book : à rappeler pour le prochain logo",
            "{name} m'a recommandé une graphiste avec qui {il|elle} travaille",
        ),
        reached_kind="lead_supplier",
        reached_note=(
            "Hélène accepte de reprendre les identités visuelles de mes clients PME ; premier "
            "projet lancé avec l'Imprimerie Lacroix."
        ),
    ),
    ObjectiveIdea(
        "partner",
        "M'associer avec un ou une consultante digitale pour répondre aux appels d'offres publics",
        "Complémentaire sur le web et les réseaux sociaux, à l'aise avec les marchés publics, "
        "disponible deux jours par semaine.",
        started_days_ago=150,
        words=(
            "chef de projet digital",
            "cheffe de projet digital",
            "community manager",
            "développeu*",
            "rédact*",
        ),
        progress_kind="partnership",
        notes=(
            "Premier échange avec {name} sur une réponse commune pour {project}",
            "{name} est {partant|partante} pour répondre avec moi à l'appel d'offres de la "
            "Métropole",
        ),
    ),
    ObjectiveIdea(
        "learn",
        "Apprendre à animer des ateliers participatifs",
        "Savoir concevoir et animer seule un atelier de co-construction de trois heures avec un "
        "comité de direction.",
        status="reached",
        started_days_ago=300,
        closed_days_ago=75,
        people=("Grégoire Lacroix",),
        words=(
            "formateur",
            "formatrice",
            "coach",
            "consultant en organisation",
            "consultante en organisation",
        ),
        circles=("mentor",),
        progress_kind="introduction",
        notes=(
            "{name} m'a recommandé une formation à la facilitation",
            "{name} m'a invitée à observer un de ses ateliers",
        ),
        reached_kind="other",
        reached_note=(
            "Formation suivie sur le conseil de Grégoire ; premier atelier animé seule pour un "
            "comité de direction."
        ),
    ),
    ObjectiveIdea(
        "hire",
        "Recruter une alternante ou un alternant en communication pour la rentrée",
        "Bac+3, à l'aise à l'écrit, curieux des PME ; deux jours par semaine avec moi.",
        status="dropped",
        started_days_ago=270,
        closed_days_ago=120,
        words=("recrutement", "ressources humaines", "enseignant", "insertion"),
        circles=("alumni",),
        progress_kind="introduction",
        notes=("{name} m'a transmis deux CV d'étudiants de sa promotion",),
    ),
)

# Outcomes Camille recorded by hand, by kind. She writes about herself in the feminine.
OUTCOME_NOTES = {
    "partnership": (
        "Accord avec {name} pour répondre ensemble à {project}",
        "{name} et moi co-animerons un atelier sur {topic}, honoraires partagés",
        "Partenariat avec {name} : je lui envoie les projets web, {il|elle} me confie la "
        "communication",
    ),
    "lead_client": (
        "{name} m'a recommandée chez {org} pour {project}",
        "Piste : {name} connaît une PME qui cherche de l'aide sur {topic}, à {city}",
        "Demande de devis reçue grâce à {name}",
        "{name} transmet mon nom à sa directrice marketing : rendez-vous à caler",
    ),
    "lead_supplier": (
        "{name} m'a donné le contact d'un imprimeur fiable à {city}",
        "Un vidéaste recommandé par {name} pour {project}",
        "{name} me conseille une traductrice pour {project}",
    ),
    "lead_job": (
        "{name} m'a transmis une offre de direction de la communication à temps partagé",
        "Mission de six mois chez {org} évoquée par {name}",
        "{name} pense à moi pour des cours en vacation sur {topic}",
    ),
    "introduction": (
        "{name} m'a présentée à la responsable communication chez {org}",
        "Mise en relation par {name} avec une journaliste intéressée par {topic}",
        "J'ai recommandé {name} pour {project} ; {il|elle} a été {retenu|retenue}",
        "Présentée par {name} à son club de dirigeants, à {city}",
    ),
    "other": (
        "Invitée à intervenir {event} grâce à {name}",
        "Article sur mon travail publié par {org}",
        "{name} a partagé mon étude de cas sur {topic} : une dizaine de demandes de contact",
        "Témoignage de {name} publié sur mon site",
    ),
}

TAG_CADENCES = {"clients": 3, "prioritaire": 1}

VOCABULARY = Vocabulary(
    language="fr",
    female_names=FEMALE_NAMES,
    male_names=MALE_NAMES,
    family_names=FAMILY_NAMES,
    occupations=OCCUPATIONS,
    domains=DOMAINS,
    headlines=HEADLINES,
    organisations=ORGANISATIONS,
    freelance="{Indépendant|Indépendante}",
    circles=CIRCLES,
    extra_tags=EXTRA_TAGS,
    cities=CITIES,
    postcodes=POSTCODES,
    streets=STREETS,
    address_format=ADDRESS_FORMAT,
    phone_formats=PHONE_FORMATS,
    point_labels=POINT_LABELS,
    events=EVENTS,
    projects=PROJECTS,
    topics=TOPICS,
    summaries=SUMMARIES,
    introduction_summary=INTRODUCTION_SUMMARY,
    group_summaries=GROUP_SUMMARIES,
    interaction_notes=INTERACTION_NOTES,
    contact_notes=CONTACT_NOTES,
    trust_notes=TRUST_NOTES,
    introduced_stories=INTRODUCED_STORIES,
    member_introductions=MEMBER_INTRODUCTIONS,
    relationship_notes=RELATIONSHIP_NOTES,
    people=PEOPLE,
    tag_cadences=TAG_CADENCES,
    objectives=OBJECTIVES,
    outcome_notes=OUTCOME_NOTES,
)

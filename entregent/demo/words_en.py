"""Sam's world: a product consultant in London with an international network.

Occupations are adapted from ESCO's English labels. Phone numbers come from the ranges Ofcom
and the NANP keep for drama (07700 900, 020 7946 0, 555-01) and email domains end in
``.example``, so no real person is reachable through the demo.
"""

from __future__ import annotations

from entregent.demo.vocabulary import Circle, ObjectiveIdea, Organisation, Person, Vocabulary

# fmt: off
FEMALE_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Priya", "Aisha", "Chloe", "Sophie",
    "Emily", "Hannah", "Zara", "Niamh", "Siobhan", "Mei", "Yuki", "Fatima", "Ngozi", "Chiamaka",
    "Maria", "Lucía", "Ingrid", "Anna", "Rachel", "Laura", "Jessica", "Charlotte", "Eleanor",
    "Rosie", "Freya", "Imogen", "Harriet", "Lucy", "Ruth", "Joanna", "Catherine", "Abigail",
    "Ananya", "Deepa", "Ama", "Adaeze", "Sakura", "Lena", "Marta", "Agnieszka", "Zoë", "Maeve",
    "Bethan", "Eilidh", "Kerry", "Tamsin", "Naomi", "Esther", "Gabriela", "Renée", "Nadia",
)
MALE_NAMES = (
    "Oliver", "George", "Harry", "Jack", "Noah", "Leo", "Arthur", "Muhammad", "Oscar", "James",
    "William", "Thomas", "Daniel", "Ravi", "Arjun", "Kwame", "Tunde", "Liam", "Connor", "Ewan",
    "Callum", "Rhys", "Dylan", "Mateo", "Lukas", "Kenji", "Wei", "Samuel", "Ben", "Joe", "Alex",
    "Matthew", "Andrew", "David", "Richard", "Simon", "Peter", "Michael", "Chidi", "Emeka",
    "Kofi", "Hamza", "Omar", "Rohan", "Vikram", "Jonas", "Piotr", "Marco", "Luca", "Diego",
    "Tomás", "Seán", "Aled", "Angus", "Finlay", "Nathan", "Isaac", "Hiroshi", "Raj",
)
FAMILY_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Clarke", "Jackson", "Wood", "Harris", "Edwards", "Turner", "Cooper", "Hill", "Ward",
    "Hughes", "Moore", "King", "Harrison", "Lewis", "Baker", "Lee", "Allen", "Morris", "Khan",
    "Scott", "Watson", "Parker", "Bennett", "Young", "Phillips", "Mitchell", "Bailey", "Carter",
    "Singh", "Shaw", "Bell", "Collins", "Morgan", "Kelly", "Begum", "Miller", "Hussain",
    "Marshall", "Price", "Anderson", "Adams", "Ali", "Ahmed", "Foster", "Ellis", "Murphy",
    "Chapman", "Mason", "Gray", "Webb", "Griffiths", "Palmer", "Campbell", "Holmes", "Knight",
    "Kaur", "Fisher", "Dixon", "Russell", "Pearson", "O'Brien", "O'Connor", "McDonald",
    "MacLeod", "Okafor", "Mensah", "Nakamura", "Chen", "Wong", "Kowalski", "Novak", "Rossi",
    "Schmidt", "Fernández", "Silva", "Nguyen", "Adeyemi", "Osei", "Sharma", "Iyer", "Tanaka",
    "Müller", "Jansen", "Byrne", "Doherty", "Llewellyn", "Fraser", "Shah",
)

# Adapted from ESCO's English occupation labels.
OCCUPATIONS = (
    "product manager", "product owner", "software engineer", "data scientist",
    "data engineer", "site reliability engineer", "ICT security administrator",
    "solutions architect", "delivery manager", "business analyst", "management consultant",
    "financial analyst", "chartered accountant", "financial controller", "investment banker",
    "relationship manager", "mortgage adviser", "insurance underwriter", "actuary",
    "employment lawyer", "solicitor", "in-house counsel", "HR business partner",
    "talent acquisition lead", "executive coach", "learning and development manager",
    "supply chain manager", "procurement manager", "operations director", "quality engineer",
    "mechanical engineer", "civil engineer", "structural engineer", "architect",
    "interior designer", "urban planner", "quantity surveyor", "site manager", "carpenter",
    "electrician", "plumber", "baker", "head chef", "sommelier", "café owner", "bookseller",
    "journalist", "copywriter", "content strategist", "press officer", "photographer",
    "video producer", "translator", "conference interpreter", "community manager",
    "sustainability manager", "economic development officer", "local councillor",
    "charity chief executive", "fundraising manager", "partnerships manager",
    "university lecturer", "primary school head teacher", "research fellow", "GP",
    "district nurse", "pharmacist", "physiotherapist", "occupational psychologist",
    "NHS trust director", "estate agent", "insurance broker", "wealth manager", "founder",
    "startup CEO", "export manager", "account executive", "sales director",
    "customer success manager", "scrum master", "head of engineering", "CTO", "CFO",
    "chief operating officer", "office manager", "executive assistant", "market researcher",
    "sound engineer", "event producer", "tour guide", "hotel manager", "farmer", "winemaker",
    "agronomist", "energy consultant", "building services engineer", "potter",
    "furniture maker", "upholsterer", "pattern cutter", "tailor", "florist",
    "landscape gardener", "osteopath", "mediator", "careers adviser", "social worker",
    "librarian", "archivist", "museum curator", "coffee roaster", "brewer", "store manager",
    "airline pilot", "air traffic controller", "rail engineer", "logistics coordinator",
    "freight forwarder", "policy adviser", "civil servant", "diplomat",
)

DOMAINS = (
    "the energy transition", "fintech", "public procurement", "e-commerce",
    "workplace mental health", "food and drink", "social enterprise", "cyber security",
    "urban logistics", "sustainable travel", "adult learning", "digital public services",
    "business succession", "trade with West Africa", "fashion supply chains", "retrofit",
    "crisis communications", "employer branding", "fundraising", "craft businesses",
    "active travel", "tech hiring", "customer experience", "local food",
)
# fmt: on

HEADLINES = (
    "{job} at {org}",
    "{job} at {org}, focused on {domain}",
    "Independent {job}: {domain}",
    "{job} helping small businesses with {domain}",
    "{job} in {city}",
    "{job} | {domain}",
    "Former {job}, now working on {domain}",
    "{job}, passionate about {domain}",
    "Helping founders with {domain}",
    "{job}; trustee at {asso}",
)

ORGANISATIONS = (
    Organisation("Barclays", "bank"),
    Organisation("HSBC UK", "bank"),
    Organisation("Monzo", "bank"),
    Organisation("Nationwide Building Society", "bank"),
    Organisation("British Business Bank", "bank"),
    Organisation("Deloitte", "corp"),
    Organisation("Accenture", "corp"),
    Organisation("BBC", "corp"),
    Organisation("BT Group", "corp"),
    Organisation("Arup", "corp"),
    Organisation("Unilever", "corp"),
    Organisation("GSK", "corp"),
    Organisation("Ocado Technology", "corp"),
    Organisation("The Guardian", "corp"),
    Organisation("Spotify", "corp"),
    Organisation("Shopify", "corp"),
    Organisation("Siemens", "corp"),
    Organisation("SAP", "corp"),
    Organisation("Atlassian", "corp"),
    Organisation("Transport for London", "public"),
    Organisation("Camden Council", "public", "London"),
    Organisation("Manchester City Council", "public", "Manchester"),
    Organisation("Government Digital Service", "public", "London"),
    Organisation("Department for Business and Trade", "public", "London"),
    Organisation("Scottish Enterprise", "public", "Glasgow"),
    Organisation("Brightside Creative", "agency", "London"),
    Organisation("Northlight Studio", "agency", "Bristol"),
    Organisation("Kettle & Crane Design", "agency", "Manchester"),
    Organisation("Foxglove Digital", "agency", "London"),
    Organisation("Wildflower Communications", "agency", "Edinburgh"),
    Organisation("Hartley & Sons Joinery", "sme", "Leeds"),
    Organisation("Greenway Logistics", "sme", "Birmingham"),
    Organisation("Bramble Bakery", "sme", "London"),
    Organisation("Ashcombe Accountancy", "sme", "Brighton"),
    Organisation("Riverside Print Works", "sme", "London"),
    Organisation("Millbrook Ceramics", "sme", "Stoke-on-Trent"),
    Organisation("Copper Kettle Coffee Roasters", "sme", "Bristol"),
    Organisation("Harbour Lane Brewery", "sme", "Cardiff"),
    Organisation("Crisis", "asso", "London"),
    Organisation("Shelter", "asso"),
    Organisation("Mind", "asso"),
    Organisation("Code Club", "asso"),
    Organisation("Women in Data", "asso"),
    Organisation("The King's Trust", "asso"),
    Organisation("Oxfam", "asso"),
    Organisation("University College London", "school", "London"),
    Organisation("King's College London", "school", "London"),
    Organisation("University of Manchester", "school", "Manchester"),
    Organisation("London Business School", "school", "London"),
    Organisation("Wellcome Trust", "school", "London"),
    Organisation("Guy's and St Thomas' NHS Foundation Trust", "health", "London"),
    Organisation("NHS England", "health"),
    Organisation("Moorfields Eye Hospital", "health", "London"),
    Organisation("Boots", "health"),
)

CIRCLES = (
    Circle(
        "client",
        "clients",
        14,
        ("sme", "corp", "public", "health", "bank"),
        (
            "Met through a tender for {org}",
            "Came to my workshop on {topic} in {city}",
            "Found my website while looking for a product consultant",
            "Referred by one of my first clients",
            "First meeting at {event}",
        ),
    ),
    Circle(
        "prospect",
        "prospects",
        10,
        ("sme", "corp", "public", "asso"),
        (
            "Swapped cards at {event}",
            "Connected on LinkedIn after my talk on {topic}",
            "Chatted at the Chamber of Commerce breakfast",
            "Commented on my post about {topic}",
        ),
    ),
    Circle(
        "colleague",
        "former colleagues",
        16,
        ("bank", "corp", "agency"),
        (
            "We worked together at {org} from {year} to {year2}",
            "Same team at {org}, sat opposite me",
            "My line manager at {org}",
            "Joined {org} the same week as me",
        ),
    ),
    Circle(
        "supplier",
        "suppliers",
        8,
        ("agency", "sme", "freelance"),
        (
            "Found when a client needed a supplier in a hurry",
            "Got us out of a hole before a trade show in {year}",
            "Recommended by Riverside Print Works",
        ),
    ),
    Circle(
        "mentor",
        "mentors",
        3,
        ("corp", "asso", "school"),
        (
            "My mentor on the London Business School alumni programme",
            "Met through the Women in Data mentoring scheme",
            "Wrote to {him|her} after reading {his|her} book; {he|she} wrote back",
        ),
    ),
    Circle(
        "association",
        "charity",
        8,
        ("asso",),
        (
            "Volunteered together at {org}",
            "On the board of {org} with me",
            "Met at {org}'s Christmas appeal",
        ),
    ),
    Circle(
        "alumni",
        "alumni",
        8,
        ("corp", "bank", "school", "public"),
        (
            "Same year at university ({year})",
            "MSc classmate at UCL",
            "Met at the LBS alumni dinner",
        ),
    ),
    Circle(
        "freelance",
        "freelancers",
        8,
        ("freelance",),
        (
            "Same co-working space in Shoreditch",
            "We bid together for a contract with {org}",
            "Met at a freelancers' meet-up in {city}",
        ),
    ),
    Circle(
        "local",
        "local network",
        8,
        ("sme", "public", "health"),
        (
            "Hackney business breakfast regular",
            "Next stall at the Christmas makers' market",
            "Tuesday running club",
        ),
    ),
    Circle(
        "friend",
        "friends",
        6,
        ("corp", "sme", "health", "school", "freelance"),
        (
            "School friend, lost touch, found again on LinkedIn",
            "Met at Jo and Dev's wedding",
            "Flatmate when I lived in Manchester",
        ),
    ),
    Circle("other", "", 11, ("corp", "sme", "public", "freelance", "agency"), ()),
)

EXTRA_TAGS = ("follow up", "priority", "press", "investors", "London")

# fmt: off
CITIES = (
    "London", "London", "London", "London", "Manchester", "Bristol", "Leeds", "Edinburgh",
    "Glasgow", "Cardiff", "Birmingham", "Brighton", "Cambridge", "Oxford", "Dublin",
    "Amsterdam", "Berlin", "Lisbon", "New York", "Toronto", "Singapore", "Nairobi", "Lagos",
    "Sydney", "Paris", "Stoke-on-Trent",
)
POSTCODES = {
    "London": "E8 3PB", "Manchester": "M1 4BT", "Bristol": "BS1 5TR", "Leeds": "LS1 4AP",
    "Edinburgh": "EH1 1RE", "Glasgow": "G1 1XQ", "Cardiff": "CF10 1EP", "Birmingham": "B1 1BB",
    "Brighton": "BN1 1AE", "Cambridge": "CB2 1TN", "Oxford": "OX1 3BG",
    "Stoke-on-Trent": "ST1 1HP",
}
# fmt: on
STREETS = (
    "Mare Street",
    "Old Street",
    "Deansgate",
    "Park Row",
    "Gloucester Road",
    "Queen Street",
    "Church Lane",
    "Station Road",
    "High Street",
    "Victoria Road",
    "Mill Lane",
    "Canal Side",
)
ADDRESS_FORMAT = "{number} {street}\n{city} {postcode}"

# Fictional ranges, written the ways people in the UK and elsewhere write them.
PHONE_FORMATS = (
    "+44 7700 900{c:03d}",
    "+44 (0)7700 900{c:03d}",
    "+447700900{c:03d}",
    "+44 20 7946 0{c:03d}",
    "+44 (0)20 7946 0{c:03d}",
    "0044 20 7946 0{c:03d}",
    "+44 161 496 0{c:03d}",
    "+1 (212) 555-01{b:02d}",
    "+1 415-555-01{b:02d}",
    "+353 1 555 0{c:03d}",
    "+61 2 5550 1{c:03d}",
)
POINT_LABELS = {
    "email": ("work", "personal", ""),
    "phone": ("mobile", "office", "switchboard", ""),
    "address": ("office", "home", "studio"),
    "url": ("website", "portfolio", "blog"),
    "linkedin": ("",),
}

EVENTS = (
    "London Tech Week",
    "Mind the Product",
    "ProductTank London",
    "the Chamber of Commerce breakfast",
    "Web Summit",
    "Social Enterprise UK's summit",
    "Leading Design",
    "the UCL alumni reception",
    "the Hackney business awards",
    "Silicon Roundabout meet-up",
    "Design Manchester",
    "the Founders Forum",
)
PROJECTS = (
    "the Q3 brief",
    "the website relaunch",
    "the funding round",
    "the annual report",
    "the rebrand",
    "the council tender",
    "the new onboarding flow",
    "the pricing review",
    "the spring campaign",
    "the hiring plan",
    "the board pack",
    "the pilot with the NHS trust",
)
TOPICS = (
    "public speaking",
    "product discovery",
    "pricing",
    "career changes",
    "employer branding",
    "accessibility",
    "crisis communications",
    "remote teams",
)

SUMMARIES = {
    "meeting": (
        "Coffee to talk about {his|her} career change",
        "Lunch at Dishoom: catching up on {his|her} plans",
        "Visited their office to meet the team",
        "Drinks after work in Clerkenwell",
        "Studio visit and a look at the new range",
        "Lunch: {he|she} is looking for an accountant",
        "Coffee to prepare {project}",
        "Working session on {project}",
        "Walk on Hampstead Heath; talked about {topic}",
        "Breakfast to take stock before the summer",
        "Quick coffee at King's Cross between trains",
    ),
    "call": (
        "Call about {project}",
        "Call about the Q3 brief",
        "Quick call: {his|her} advice on my negotiation",
        "Follow-up call after the proposal",
        "{He|She} rang for my view on {topic}",
        "Call to see how {he|she} was doing after the operation",
        "Call for a supplier recommendation",
    ),
    "video": (
        "Kick-off video call for {project}",
        "Zoom: feedback on the brief",
        "Monthly check-in on Teams",
        "Video call with {his|her} team for the {topic} workshop",
        "Video call to review {project} together",
        "Recorded a customer testimonial over Zoom",
    ),
    "message": (
        "Congratulated {him|her} on the new job",
        "WhatsApp: family news",
        "Sent the article on {topic} {he|she} was after",
        "Happy New Year message",
        "Birthday message",
        "LinkedIn message: well done on the talk",
        "Text to move our coffee",
    ),
    "email": (
        "Email: sent the proposal for {project}",
        "Chased invoice {n}",
        "Shared the meeting notes",
        "Thank-you email after the conference",
        "Sent my credentials and two references",
        "Answered {his|her} question about {topic}",
    ),
    "event": (
        "{event_name}",
        "Saw {him|her} at {event}",
        "{event_name}: talked about {topic}",
        "Panel on {topic} in {city}",
    ),
}
INTRODUCTION_SUMMARY = "Introduction: {introducer} introduced me to {introduced}"
GROUP_SUMMARIES = (
    "Team lunch with {org}",
    "Kick-off for {project} at {org}",
    "Co-design workshop with {org}",
    "Progress review on {project}",
)
INTERACTION_NOTES = (
    "- Needs a graphic designer for a new brand identity\n- Follow up in September",
    "Tight budget this year but **keen**. Send the revised quote.",
    "What we covered:\n\n1. timeline\n2. budget\n3. who signs off internally",
    "Kids start secondary school in September; ask how it goes.",
    "Mentioned a comms role opening in their team in January.",
    "Great conversation. *Next*: I'll send two printers' details.",
    "Not sold on our approach; revisit in the spring.",
    "- Contract due end of month\n- Invoice in two parts",
)
CONTACT_NOTES = (
    "**Better than anyone at**: explaining complicated things simply.",
    "- Prefers calls in the morning\n- Answers on LinkedIn, never by email",
    "Two kids, trail runner. Does a mountain race every summer.",
    "Fluent in Spanish and Portuguese; useful for Brazilian clients.",
    "## Remember\n\n- knows everyone at the Chamber\n- don't call on Fridays",
    "Vegetarian; book somewhere with options.",
    "Looking to move into a social enterprise; asked me to keep an eye out.",
    "Excellent speaker, suggest {him|her} for panels.",
    "Strong network in health: *don't hesitate to ask for introductions*.",
)
TRUST_NOTES = (
    "Hit every deadline on {project}.",
    "Very reliable; recommended me twice without being asked.",
    "Discreet: can be trusted with sensitive topics.",
    "Missed two meetings; confirm the day before.",
    "Always pays within 30 days, no chasing.",
    "Over-promises, delivers half.",
)
INTRODUCED_STORIES = (
    "Introduced by {introducer} over coffee",
    "{introducer} put us in touch for {project}",
    "Recommended by {introducer}, who has known {him|her} for years",
)
MEMBER_INTRODUCTIONS = (
    "Introduced {a} to {b} for {project}",
    "Put {a} and {b} in touch: {project}",
)
RELATIONSHIP_NOTES = {
    "knows": ("Know each other from university", "Same running club", "Shared an office"),
    "introduced": ("Put in touch for {project}",),
    "works_with": ("Same team", "Working together on {project}", "Business partners"),
}

# Graphic designers in different words, in a headline, a job title or only in the notes,
# and one French graphiste: the network search must find all of them.
PEOPLE = (
    Person(
        "Priya",
        "Shah",
        True,
        "supplier",
        headline="Graphic designer for independent food and drink brands",
        job_title="Graphic designer",
        organisation="Brightside Creative",
        location="London",
        tie_strength=4,
        trust_rating=5,
        trust_note="Delivers early and says no to impossible deadlines.",
        email="priya@brightside-creative.example",
        phone="+44 7700 900417",
        linkedin="https://uk.linkedin.com/in/priya-shah-design",
    ),
    Person(
        "Tom",
        "Okafor",
        False,
        "colleague",
        headline="Designing calmer banking apps",
        job_title="UX/UI Designer",
        organisation="Foxglove Digital",
        location="London",
        tie_strength=3,
        email="tom.okafor@foxglove-digital.example",
    ),
    Person(
        "Eleanor",
        "Hughes",
        True,
        "client",
        headline="Creative lead for consumer brands",
        job_title="Creative lead",
        organisation="Kettle & Crane Design",
        location="Manchester",
        notes="Was an **art director** at a big London agency for ten years before going north.",
        tie_strength=5,
        trust_rating=4,
    ),
    Person(
        "Mei",
        "Chen",
        True,
        "freelance",
        headline="Illustrator and 3D artist: packaging and product visuals",
        job_title="Illustrator",
        location="Bristol",
        tie_strength=2,
    ),
    Person(
        "Ben",
        "Carter",
        False,
        "local",
        job_title="Head baker",
        organisation="Bramble Bakery",
        location="London",
        notes=(
            "Trained as a graphic designer and did brand work for eight years before taking "
            "over the bakery. Still happy to sketch a logo."
        ),
        tie_strength=3,
    ),
    Person(
        "Julien",
        "Moreau",
        False,
        "friend",
        headline="Graphiste à Paris : couvertures de livres et affiches",
        job_title="Graphiste",
        location="Paris",
        tie_strength=3,
    ),
    Person(
        "Grace",
        "Mensah",
        True,
        "prospect",
        headline="Brand and visual designer for charities",
        job_title="Visual designer",
        organisation="Wildflower Communications",
        location="Edinburgh",
    ),
    Person(
        "Richard",
        "Fraser",
        False,
        "mentor",
        headline="Former chief product officer, now a non-executive director",
        job_title="Non-executive director",
        organisation="Code Club",
        location="London",
        tie_strength=5,
        trust_rating=5,
        trust_note="Always gives straight advice; opened doors at GDS for me.",
    ),
    # The same person twice, as an import and a manual entry leave them: the duplicate review
    # has something to propose.
    Person(
        "Kwame",
        "Osei",
        False,
        "client",
        job_title="Operations director",
        organisation="Greenway Logistics",
        location="Birmingham",
        email="kwame.osei@greenway-logistics.example",
        phone="+44 7700 900233",
        tie_strength=3,
    ),
    Person(
        "Kwame",
        "Osei",
        False,
        "client",
        organisation="Greenway Logistics Ltd",
        email="Kwame.Osei@greenway-logistics.example",
        phone="+44 (0)7700 900233",
    ),
)

# Sam's objectives over the past year: what a product consultant looks for.
OBJECTIVES = (
    ObjectiveIdea(
        "client",
        "Win two product strategy engagements with health or fintech scale-ups",
        "Series A to C, a product team of five to thirty, and leaders ready to change how they "
        "decide. At least three months of work.",
        started_days_ago=220,
        target_in_days=150,
        words=(
            "founder at",
            "startup CEO",
            "CTO",
            "chief operating officer",
            "head of engineering",
            "sales director",
        ),
        circles=("prospect", "client"),
        contacts=5,
        progress_kind="lead_client",
    ),
    ObjectiveIdea(
        "job",
        "Find a fractional chief product officer role, two days a week",
        "A mission-led organisation, a real seat at the leadership table, London at most one "
        "day a week.",
        started_days_ago=120,
        people=("Richard Fraser",),
        words=(
            "talent acquisition",
            "HR business partner",
            "executive coach",
            "charity chief executive",
            "non-executive",
        ),
        progress_kind="lead_job",
    ),
    ObjectiveIdea(
        "supplier",
        "Find a reliable graphic designer to subcontract brand work",
        "Someone who understands small businesses, meets deadlines and is as good in print as "
        "on screen.",
        status="reached",
        started_days_ago=350,
        closed_days_ago=190,
        people=("Priya Shah", "Mei Chen", "Grace Mensah"),
        words=("graphic designer", "visual designer", "illustrator"),
        progress_kind="lead_supplier",
        notes=(
            "{name} showed me {his|her} portfolio: one to call for the next logo",
            "{name} recommended a designer {he|she} works with",
        ),
        reached_kind="lead_supplier",
        reached_note=(
            "Priya agreed to take on brand work for my clients; first project signed with "
            "Bramble Bakery."
        ),
    ),
    ObjectiveIdea(
        "learn",
        "Learn how public-sector digital procurement works",
        "Understand G-Cloud and the Digital Outcomes framework well enough to bid with a partner.",
        status="reached",
        started_days_ago=280,
        closed_days_ago=60,
        people=("Richard Fraser",),
        words=(
            "civil servant",
            "policy adviser",
            "procurement manager",
            "economic development officer",
        ),
        progress_kind="introduction",
        notes=(
            "{name} walked me through how {org} buys digital services",
            "{name} introduced me to a service owner at the Government Digital Service",
        ),
        reached_kind="other",
        reached_note=(
            "First bid submitted on the Digital Outcomes framework, with Richard's comments on "
            "the draft."
        ),
    ),
    ObjectiveIdea(
        "hire",
        "Recommend a senior product designer for a client's growing team",
        "Five years or more in product design, used to research with patients, based in London.",
        status="dropped",
        started_days_ago=240,
        closed_days_ago=100,
        words=("UX", "product designer", "product owner", "talent acquisition"),
        circles=("colleague",),
        progress_kind="introduction",
        notes=("{name} sent me two portfolios from {his|her} former team",),
    ),
)

# Outcomes Sam recorded by hand, by kind.
OUTCOME_NOTES = {
    "partnership": (
        "Agreed with {name} to bid together for {project}",
        "{name} and I will run a workshop on {topic} together, fees shared",
        "Partnership with {name}: I send {him|her} the delivery work, {he|she} sends me strategy",
    ),
    "lead_client": (
        "{name} put my name forward at {org} for {project}",
        "Lead: {name} knows a scale-up in {city} that needs help with {topic}",
        "Request for a proposal, thanks to {name}",
        "{name} passed my name to {his|her} product director: meeting to arrange",
    ),
    "lead_supplier": (
        "{name} gave me the name of a reliable printer in {city}",
        "A video producer recommended by {name} for {project}",
        "{name} recommended a translator for {project}",
    ),
    "lead_job": (
        "{name} passed on a fractional CPO brief at {org}",
        "Six-month interim role at {org} mentioned by {name}",
        "{name} thought of me for guest lectures on {topic}",
    ),
    "introduction": (
        "{name} introduced me to the head of product at {org}",
        "Put in touch by {name} with a journalist writing about {topic}",
        "I recommended {name} for {project}; {he|she} got it",
        "Introduced by {name} to the founders' circle in {city}",
    ),
    "other": (
        "Invited to speak at {event} thanks to {name}",
        "Piece about my work in {org}'s newsletter",
        "{name} shared my case study on {topic}: a dozen new connection requests",
        "{name}'s testimonial published on my website",
    ),
}

TAG_CADENCES = {"clients": 3, "priority": 1}

VOCABULARY = Vocabulary(
    language="en",
    female_names=FEMALE_NAMES,
    male_names=MALE_NAMES,
    family_names=FAMILY_NAMES,
    occupations=OCCUPATIONS,
    domains=DOMAINS,
    headlines=HEADLINES,
    organisations=ORGANISATIONS,
    freelance="Freelance",
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

"""The demo school's people and words: first and last names (with the families who prefer
Spanish), interests, talents, learning styles, motivations and advisory names."""

FEMALE_NAMES = (
    "Aaliyah Amara Ana Ava Brianna Camila Chloe Daniela Elena Emilia Fatima Grace Hana "
    "Isabella Jada Jasmine Kayla Leah Lucia Maria Maya Mia Nadia Naomi Olivia Priya Rosa "
    "Sofia Valeria Yasmin Zoe"
).split()

MALE_NAMES = (
    "Andre Antonio Carlos Daniel Darius Diego Elijah Ethan Gabriel Isaiah Jamal Javier Jayden "
    "Jose Kai Liam Luis Malik Marcus Mateo Miguel Noah Omar Rafael Ryan Samuel Tariq Victor "
    "Xavier"
).split()

FIRST_NAMES = FEMALE_NAMES + MALE_NAMES

LAST_NAMES = [
    "Acosta",
    "Adams",
    "Alvarez",
    "Baker",
    "Banks",
    "Brooks",
    "Castillo",
    "Chen",
    "Cruz",
    "Davis",
    "Diaz",
    "Edwards",
    "Flores",
    "Garcia",
    "Gomez",
    "Gonzalez",
    "Green",
    "Hernandez",
    "Hill",
    "Jackson",
    "Jimenez",
    "Johnson",
    "Kim",
    "Lee",
    "Lopez",
    "Martin",
    "Martinez",
    "Medina",
    "Mendoza",
    "Moore",
    "Morales",
    "Nguyen",
    "Ortiz",
    "Patel",
    "Perez",
    "Phillips",
    "Ramirez",
    "Reyes",
    "Rivera",
    "Robinson",
    "Rodriguez",
    "Romero",
    "Ruiz",
    "Sanchez",
    "Santos",
    "Scott",
    "Torres",
    "Turner",
    "Vargas",
    "Walker",
    "Washington",
    "Williams",
    "Wilson",
    "Young",
]

SPANISH_LAST_NAMES = set(
    [
        "Acosta",
        "Alvarez",
        "Castillo",
        "Cruz",
        "Diaz",
        "Flores",
        "Garcia",
        "Gomez",
        "Gonzalez",
        "Hernandez",
        "Jimenez",
        "Lopez",
        "Martinez",
        "Medina",
        "Mendoza",
        "Morales",
        "Ortiz",
        "Perez",
        "Ramirez",
        "Reyes",
        "Rivera",
        "Rodriguez",
        "Romero",
        "Ruiz",
        "Sanchez",
        "Santos",
        "Torres",
        "Vargas",
    ]
)

INTERESTS = [
    "Marine biology and the health of Narragansett Bay",
    "Building and repairing bicycles; urban cycling",
    "Music production and audio engineering",
    "Nursing and caring for elders",
    "Graphic novels and illustration",
    "Coding games; how apps make money",
    "Cooking, restaurants, food justice",
    "Carpentry and tiny houses",
    "Veterinary care, dog training",
    "Film-making and documentary",
    "Youth organizing and city politics",
    "Fashion design and sewing",
    "Auto mechanics and electric cars",
    "Photography and photojournalism",
    "Early childhood education",
    "Architecture and drawing buildings",
]

TALENTS = [
    "Patient with younger kids",
    "Good with my hands",
    "I can talk to anyone",
    "Drawing",
    "Fixing things that are broken",
    "Remembering details",
    "Making people laugh",
    "Organizing events",
]

STYLES = [
    "By doing it: hands-on, trying and failing",
    "Talking it through with someone",
    "Watching somebody who knows, then trying",
    "Reading and taking notes, then explaining it back",
]

MOTIVATIONS = [
    "Helping my family",
    "Proving people wrong",
    "Making something real that people use",
    "My little brother watching me",
    "Getting to college, first in my family",
    "Having my own business one day",
]

ADVISORY_NAMES = [
    "Harbor",
    "Summit",
    "Cedar",
    "Lantern",
    "Compass",
    "Meridian",
    "Orchard",
    "Riverbend",
    "Beacon",
    "Granite",
    "Willow",
    "Horizon",
    "Juniper",
    "Falcon",
    "Tidewater",
    "Aspen",
    "Sequoia",
    "Bluestem",
    "Cobalt",
    "Driftwood",
    "Ember",
    "Fern",
    "Glacier",
    "Hawthorn",
    "Indigo",
    "Kestrel",
    "Larkspur",
    "Magnolia",
    "Northstar",
    "Obsidian",
    "Prairie",
    "Quarry",
    "Redwood",
    "Sandstone",
    "Thistle",
    "Upland",
    "Vista",
    "Wren",
    "Yarrow",
    "Zephyr",
]

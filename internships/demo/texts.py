"""The demo school's workplaces: sites across the career clusters with their opportunities,
mentors' names, the goals students set for a day and what they did."""

# organization, cluster, industry, opportunity title, interests tags
SITES = [
    (
        "Harbor Marine Works",
        "manufacturing",
        "Boat building",
        "Boat restoration apprentice",
        "boats, welding, engines, woodworking",
    ),
    (
        "Riverside Community Clinic",
        "health",
        "Primary care",
        "Clinic front desk and intake",
        "medicine, nursing, health, helping people",
    ),
    (
        "City Parks Department",
        "agriculture",
        "Parks and forestry",
        "Urban forestry crew",
        "nature, trees, outdoors, environment",
    ),
    (
        "Oak Street Bakery",
        "hospitality",
        "Food",
        "Bakery and small business",
        "cooking, baking, business, food",
    ),
    (
        "Bright Futures Elementary",
        "education",
        "Schools",
        "Classroom assistant",
        "teaching, kids, reading, education",
    ),
    (
        "Metro Transit Garage",
        "transportation",
        "Public transit",
        "Bus mechanics",
        "cars, engines, mechanics, repair",
    ),
    ("Code Collective", "it", "Software", "Junior web developer", "computers, coding, games, web"),
    (
        "Providence Public Library",
        "education",
        "Libraries",
        "Library programs",
        "books, reading, writing, community",
    ),
    (
        "Green Roots Farm",
        "agriculture",
        "Urban farming",
        "Farm hand and market",
        "farming, plants, food, environment",
    ),
    (
        "Hope Legal Aid",
        "law",
        "Legal services",
        "Legal aid office assistant",
        "law, justice, debate, helping people",
    ),
    (
        "WaveFM Community Radio",
        "arts",
        "Media",
        "Radio production",
        "music, podcasts, radio, writing",
    ),
    (
        "Studio 7 Architecture",
        "construction",
        "Architecture",
        "Architecture studio intern",
        "drawing, design, buildings, art",
    ),
]

MENTOR_NAMES = [
    ("Kwame", "Boateng"),
    ("Lena", "Fischer"),
    ("Marisol", "Ortega"),
    ("Dev", "Raman"),
    ("Grace", "Whitfield"),
    ("Tomás", "Reyes"),
    ("Aisha", "Karimi"),
    ("Owen", "Blake"),
    ("Nia", "Robinson"),
    ("Paul", "Sandoval"),
    ("Ingrid", "Lund"),
]

GOALS = [
    "Learn to use the belt sander safely",
    "Shadow my mentor at a client meeting",
    "Finish the first draft of my project",
    "Ask three questions about how the work is paid for",
    "Interview a coworker about their career path",
    "Take notes on every step of the process",
]

DID = [
    "Sanded and primed a hull section with my mentor",
    "Greeted patients and updated records",
    "Planted twelve trees along the river path",
    "Prepared dough and ran the register",
    "Read with a small group of second graders",
    "Helped replace brake pads on a bus",
]

"""The demo school's workplaces: sites across the career clusters with their opportunities,
mentors' names, and for each kind of work the goals students set for a day, what they did
and what they took from it (a day at the veterinary clinic is about animals)."""

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
        "Bayside Veterinary Clinic",
        "health",
        "Veterinary care",
        "Veterinary assistant",
        "animals, dogs, veterinary care, biology",
    ),
    (
        "Spoke & Chain Bike Co-op",
        "transportation",
        "Bicycle repair",
        "Bike mechanic and shop floor",
        "bikes, cycling, repair, mechanics",
    ),
    (
        "Studio 7 Architecture",
        "construction",
        "Architecture",
        "Architecture studio intern",
        "drawing, design, buildings, art",
    ),
]

# First and last names for mentors, paired so that no two mentors (nor a mentor and anyone
# else at the school) share a name while the pairs last.
MENTOR_FIRST_NAMES = (
    "Aisha Bernard Carmen Dev Dolores Eamon Farah Gideon Grace Hollis Imani Ingrid Jonah "
    "Keiko Lars Marisol Nia Odette Owen Paul Quentin Renata Sienna Tomás Ulla Vikram Wanda "
    "Yusuf Zora Beatriz Colm Esther Hamid Leona Mateus Pilar Rosalind Silas Thea Wendell"
).split()

MENTOR_LAST_NAMES = (
    "Abernathy Blake Brandt Castellanos Delacroix Eriksen Fairweather Gallo Haddad Ito "
    "Jaramillo Karimi Kowalski Lindqvist Lund MacAllister Nakamura Novak Ogunleye Ortega "
    "Pacheco Quinlan Raman Rasmussen Sandoval Szabo Tanaka Umarov Valdivia Whitfield "
    "Xu Yilmaz Zielinski Achebe Bergstrom Costa Dimitriou Esposito Fontaine Greaves"
).split()

# A day's work at each kind of site (the site's industry): the goals a student sets on
# checking in, what they did, and what they took from it.
LOG_TEXTS = {
    "Boat building": (
        [
            "Learn to use the belt sander safely",
            "Fair the hull patch without my mentor's help",
            "Learn how the engine's cooling system works",
        ],
        [
            "Sanded and primed a hull section with my mentor",
            "Replaced rotten planks on the dinghy's transom",
            "Pulled the outboard's impeller and fitted a new one",
            "Mixed epoxy and glassed a seam on the skiff",
        ],
        [
            "Wood moves with the weather; you measure twice and wait for the glue.",
            "I saw how a small leak can sink a whole boat, and why the checks matter.",
        ],
    ),
    "Primary care": (
        [
            "Check in patients without asking for help",
            "Learn how the clinic keeps records private",
            "Watch how the nurse takes a history",
        ],
        [
            "Greeted patients and updated records",
            "Took heights and weights with the nurse at the well-child visits",
            "Called patients to remind them of their appointments",
            "Restocked the exam rooms and logged the supplies",
        ],
        [
            "Patients are nervous; a calm voice at the desk helps them.",
            "Privacy is part of every step, even at the front desk.",
        ],
    ),
    "Parks and forestry": (
        [
            "Learn to identify five native trees",
            "Use the soil probe correctly",
            "Plan where the new saplings go",
        ],
        [
            "Planted twelve trees along the river path",
            "Measured and tagged the oaks in the park's survey plot",
            "Mulched the young trees and checked their stakes",
            "Cleared invasive vines from the trail with the crew",
        ],
        [
            "A tree planted today is for people fifty years from now.",
            "The crew works as a team; I learned to call out before I cut.",
        ],
    ),
    "Food": (
        [
            "Shape the baguettes evenly",
            "Learn how the bakery prices its bread",
            "Run the register on my own for an hour",
        ],
        [
            "Prepared dough and ran the register",
            "Weighed and shaped two hundred rolls for the morning",
            "Worked out the cost of one loaf with the owner",
            "Fed the sourdough starter and cleaned the mixer",
        ],
        [
            "Baking is chemistry with a clock; timing matters more than I thought.",
            "A small business has to know the cost of every loaf.",
        ],
    ),
    "Schools": (
        [
            "Lead a read-aloud for the whole class",
            "Help the slow readers without giving them the answers",
            "Plan a short science activity",
        ],
        [
            "Read with a small group of second graders",
            "Ran the math station with counting blocks",
            "Helped the teacher set up the plant-growing experiment",
            "Supervised recess and settled an argument over the ball",
        ],
        [
            "Kids can tell when you are not listening; I slowed down.",
            "Teaching one thing three ways showed me I understood it myself.",
        ],
    ),
    "Public transit": (
        [
            "Learn the steps of a brake inspection",
            "Read a wiring diagram with my mentor",
            "Use the diagnostic scanner",
        ],
        [
            "Helped replace brake pads on a bus",
            "Checked tire pressure and tread on the morning buses",
            "Read fault codes from a bus's computer with the scanner",
            "Changed the oil and filters on a shuttle",
        ],
        [
            "Every check protects the people riding the bus tomorrow.",
            "Mechanics is problem-solving: you test one thing at a time.",
        ],
    ),
    "Software": (
        [
            "Fix my first bug in the team's code",
            "Write a test before changing the code",
            "Learn how the team reviews each other's work",
        ],
        [
            "Fixed a layout bug on the sign-up page",
            "Paired with my mentor to write tests for the search",
            "Sat in on the team's planning meeting and took notes",
            "Made the contact form work on phones",
        ],
        [
            "Reading other people's code is most of the job.",
            "A review is not criticism; it made my change better.",
        ],
    ),
    "Libraries": (
        [
            "Run the story hour on my own",
            "Learn how books are catalogued",
            "Help a patron find what they need",
        ],
        [
            "Shelved returns and fixed the order of the biographies",
            "Helped at the after-school homework club",
            "Set up the display for the poetry month",
            "Showed an older patron how to renew books online",
        ],
        [
            "A library is a community center as much as a place for books.",
            "Asking the right question helps people find what they really want.",
        ],
    ),
    "Urban farming": (
        [
            "Learn when the greens are ready to harvest",
            "Test the soil in the new beds",
            "Sell at the market stand on my own",
        ],
        [
            "Harvested kale and washed it for the market",
            "Built a new compost bay with the farm crew",
            "Transplanted tomato seedlings into the hoop house",
            "Ran the market stand and counted the day's sales",
        ],
        [
            "Farming depends on the weather; you plan and then adjust.",
            "People at the market want to know where their food comes from.",
        ],
    ),
    "Legal services": (
        [
            "Learn how a case file is organized",
            "Take clear notes at a client intake",
            "Understand what a tenant's rights are",
        ],
        [
            "Organized case files and logged the new ones",
            "Sat in on a client intake about an eviction notice",
            "Translated a form into Spanish for a client with the paralegal",
            "Looked up housing law with the staff attorney",
        ],
        [
            "The law is a set of tools, and people need help to use them.",
            "Listening carefully is the first step in helping a client.",
        ],
    ),
    "Media": (
        [
            "Edit a two-minute segment",
            "Learn to set levels on the mixing board",
            "Interview a guest on air",
        ],
        [
            "Edited an interview for the evening show",
            "Ran the board for the community news hour",
            "Recorded station IDs with the volunteers",
            "Wrote the script for a segment on the school garden",
        ],
        [
            "Radio is about people's voices; editing keeps them honest.",
            "Live shows need a plan B, and the crew always has one.",
        ],
    ),
    "Veterinary care": (
        [
            "Learn to hold a nervous dog safely",
            "Understand how vaccines are scheduled",
            "Help with the morning checks of the animals staying over",
        ],
        [
            "Walked and fed the dogs recovering from surgery",
            "Held a cat while the vet gave its vaccines",
            "Cleaned the kennels and logged each animal's meals",
            "Weighed puppies at their first checkup",
        ],
        [
            "Animals cannot tell you where it hurts; you learn to watch them.",
            "The owners are as worried as the animals; the vet talks to both.",
        ],
    ),
    "Bicycle repair": (
        [
            "True a wheel on the stand",
            "Learn to adjust the gears on my own",
            "Write up a repair ticket for a customer",
        ],
        [
            "Fixed flats and replaced brake cables on three bikes",
            "Trued a wheel and adjusted the derailleur with my mentor",
            "Stripped and rebuilt a donated bike for the youth program",
            "Greeted customers and wrote up their repair tickets",
        ],
        [
            "A bike is simple until it is not; patience beats force.",
            "Explaining a repair to a customer is part of the job.",
        ],
    ),
    "Architecture": (
        [
            "Draw a floor plan to scale",
            "Learn the basics of the modeling software",
            "Understand what the building code asks for",
        ],
        [
            "Built a foam-board model of the library addition",
            "Measured the community center for the drawings",
            "Traced the site plan and labeled the setbacks",
            "Sat in on a client meeting about the new clinic",
        ],
        [
            "Architects draw for people who will use the building, not for themselves.",
            "Every line on a drawing is a decision someone has to build.",
        ],
    ),
}

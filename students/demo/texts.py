"""The words of the demo school's learning: the work students plan, meeting notes and
decisions, narrative lines, outside panelists and a small PDF of evidence."""

from students.goals import PERSONAL

# (kind, title, learning goal codes, what, how, resources, evidence to show)
WORK = [
    (
        "goal",
        "Interview three professionals in my field",
        ["communication", "social"],
        "Set up and run informational interviews",
        "Email, phone, visits after school",
        "My advisor's contacts, LinkedIn",
        "Interview notes and a reflection",
    ),
    (
        "goal",
        "Read two books about my interest",
        ["communication"],
        "Read and respond in my journal",
        "Twenty pages a day",
        "School library",
        "Journal entries and a book talk",
    ),
    (
        "project",
        "Design a water filter for the community garden",
        ["empirical", "quantitative"],
        "Build and test a prototype",
        "Test water before and after, record results",
        "Science lab, the garden coordinator",
        "Test data, photos and the prototype",
    ),
    (
        "project",
        "Budget for my first apartment",
        ["quantitative", "personal"],
        "Research rents, wages and costs",
        "Spreadsheet with three scenarios",
        "Rental listings, my mentor",
        "The spreadsheet and a presentation",
    ),
    (
        "goal",
        "Speak up in every advisory meeting",
        ["personal", "communication"],
        "Share one idea each time",
        "Prepare a note before the meeting",
        "My advisor",
        "Advisor's observations",
    ),
    (
        "project",
        "Oral history of my neighborhood",
        ["social", "communication"],
        "Record five elders' stories",
        "Audio interviews, edited into a podcast",
        "Public library, recording kit",
        "The podcast episode",
    ),
    (
        "project",
        "Measure the school's energy use",
        ["empirical", "quantitative", "social"],
        "Log meter readings for six weeks",
        "Graph the data and propose changes",
        "Facilities manager",
        "Charts and a proposal to the principal",
    ),
    (
        "goal",
        "Learn to cook five family recipes",
        [],
        "Cook with my grandmother",
        "Once a week on Sundays",
        "Family",
        "Photos and a recipe booklet",
    ),
]

NOTES = [
    "Reviewed last term's exhibition feedback and set this term's goals together.",
    "Family shared how the student works at home; we agreed on a weekly check-in.",
    "Talked about the internship and how the project connects to it.",
]

DECISIONS = [
    "Focus on quantitative reasoning; the mentor will help with the data.",
    "Add a reading goal; the family will visit the library together.",
    "Present the project at the next exhibition.",
]

NARRATIVE_LINES = {
    "empirical": "Designed a fair test and changed the plan when the first results surprised us.",
    "quantitative": "Used a spreadsheet to compare options and explained the numbers clearly.",
    "communication": "Spoke with more confidence and wrote a clear reflection each week.",
    "social": "Listened to people with other views and brought their voices into the work.",
    "personal": "Kept going when the work got hard and asked for help early.",
    PERSONAL: "Kept the personal goal going all term.",
}

OUTSIDE = ["Dr. Elena Park", "Marcus Webb", "Jo Ann Rivera", "Sam Ortiz"]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

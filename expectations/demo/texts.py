"""The words of the demo school's reflections, check-ins and attendance notes: comments on
each expectation met well and met poorly (students' in English, a few in Spanish; families'
in their language; advisors'), what advisors talk about in a check-in."""

# How the school meets each expectation on the whole, against the student's own level: the
# demo school knows its students (relationships) and struggles with time and timing.
LEANING = {
    "relationships": 0.35,
    "relevance": 0.15,
    "authenticity": 0.2,
    "application": 0.05,
    "choice": 0.1,
    "challenge": -0.1,
    "play": -0.15,
    "practice": 0.0,
    "time": -0.35,
    "timing": -0.3,
}

# A student's comments: (met well, met poorly) for each expectation.
STUDENT = {
    "relationships": (
        "My advisor knows what I care about and checks in when I'm stuck.",
        "I don't think anyone here really knows what I'm into yet.",
    ),
    "relevance": (
        "My project is about the thing I actually want to do after school.",
        "A lot of what we did this term had nothing to do with my interests.",
    ),
    "authenticity": (
        "My mentor used my research in a real report for the site.",
        "It felt like work just for a grade, nobody outside school saw it.",
    ),
    "application": (
        "I used the math from my budget project at my internship.",
        "I never got to try what I learned anywhere outside school.",
    ),
    "choice": (
        "I picked my own project and how to show it.",
        "Most of my plan was decided for me this term.",
    ),
    "challenge": (
        "The exhibition pushed me harder than anything before.",
        "Too easy this term, I was bored a lot of the time.",
    ),
    "play": (
        "I had room to try things that might not work.",
        "No time to explore, everything was about deadlines.",
    ),
    "practice": (
        "I rewrote my narrative three times and it got much better.",
        "We moved on before I could get good at anything.",
    ),
    "time": (
        "I could take longer on the parts that were hard for me.",
        "Everything was rushed, I needed more time for my project.",
    ),
    "timing": (
        "I could work on my project in the afternoons when I focus best.",
        "Advisory starts too early for me and the schedule never fits my internship days.",
    ),
}

# A few students (from Spanish-speaking families) write some comments in Spanish.
STUDENT_ES = {
    "relationships": (
        "Mi asesora me conoce y sabe lo que me interesa.",
        "Siento que nadie aquí sabe lo que me gusta.",
    ),
    "relevance": (
        "Mi proyecto trata de lo que quiero hacer en el futuro.",
        "Mucho de lo que hicimos no tenía que ver con mis intereses.",
    ),
    "time": (
        "Pude tomarme el tiempo que necesitaba.",
        "Todo fue muy rápido, necesito más tiempo para mi proyecto.",
    ),
    "timing": (
        "El horario me funciona bien con mi pasantía.",
        "El horario no encaja con los días de mi pasantía.",
    ),
}

# A family's comments, in English and in Spanish.
FAMILY = {
    "en": (
        "Our child talks about school at dinner now, which is new.",
        "We would like to hear from the advisor more often.",
    ),
    "es": (
        "Nuestro hijo ahora habla de la escuela en casa, eso es nuevo.",
        "Nos gustaría saber más seguido de parte del asesor.",
    ),
}

# An advisor's view of a student's term: (met well, met poorly).
ADVISOR = (
    "Strong term: the internship gave the project a real audience.",
    "Disengaged since midterm; the plan needs to come back to their interests.",
)

# What an advisor and a student talked about at a check-in, and what follows.
CHECK_INS = [
    (
        "Talked about the missed mornings: mornings at home are hard since the move.",
        "Call home on Friday; try the later bus for two weeks.",
    ),
    (
        "The project stalled; we looked for a piece of it that matches the internship.",
        "Meet the mentor together next Tuesday.",
    ),
    (
        "Said school feels rushed; we split the exhibition prep into weekly steps.",
        "Check the first step in advisory on Monday.",
    ),
]

# Why a student was excused.
EXCUSED = [
    "Doctor's appointment",
    "Family emergency",
    "College visit",
    "Court date, the family called ahead",
    "Religious holiday",
]

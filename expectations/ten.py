"""The 10 Expectations students have of their schools (Washor & Mojkowski, Leaving to Learn),
in English and Spanish: the student's question, the family's and a short description; and
the seeding of their rows (the data migration's, and the demo's on a flushed database)."""

from expectations.models import Expectation

FIELDS = (
    *("key", "name", "name_es", "question", "question_es"),
    *("family_question", "family_question_es", "description", "description_es"),
)

TEN = [
    (
        "relationships",
        "Relationships",
        "Relaciones",
        "Do my teachers, and others who might serve as my teachers, know about me and my "
        "interests and talents?",
        "¿Me conocen mis maestros, y otras personas que pueden ser mis maestros, a mí, mis "
        "intereses y mis talentos?",
        "Do my child's teachers, and others who teach them, know my child, their interests "
        "and talents?",
        "¿Conocen los maestros de mi hijo o hija, y otras personas que le enseñan, sus "
        "intereses y talentos?",
        "Learning starts with adults who know the student well: their advisor, mentors and "
        "the people around their work.",
        "El aprendizaje empieza con adultos que conocen bien al estudiante: su asesor, sus "
        "mentores y las personas que rodean su trabajo.",
    ),
    (
        "relevance",
        "Relevance",
        "Relevancia",
        "Do I find what the school is teaching to be relevant to my interests?",
        "¿Lo que la escuela me enseña tiene que ver con mis intereses?",
        "Does my child find what the school teaches relevant to their interests?",
        "¿Encuentra mi hijo o hija que lo que enseña la escuela tiene que ver con sus intereses?",
        "Work that grows from the student's own interests, so they see why it matters.",
        "Un trabajo que nace de los intereses del estudiante, para que vea por qué importa.",
    ),
    (
        "authenticity",
        "Authenticity",
        "Autenticidad",
        "Is the learning and work I do regarded as significant outside school by experts, "
        "my family, community members, and employers?",
        "¿Lo que aprendo y hago es valorado fuera de la escuela por expertos, mi familia, la "
        "comunidad y los empleadores?",
        "Is my child's learning and work seen as significant outside school, by experts, "
        "our family, the community and employers?",
        "¿El aprendizaje y el trabajo de mi hijo o hija se valoran fuera de la escuela, por "
        "expertos, la familia, la comunidad y los empleadores?",
        "Real work for real people, held to the standards of the world outside school.",
        "Trabajo real para personas reales, con los estándares del mundo fuera de la escuela.",
    ),
    (
        "application",
        "Application",
        "Aplicación",
        "Do I have opportunities to apply what I am learning in real-world settings and contexts?",
        "¿Tengo oportunidades de aplicar lo que aprendo en situaciones y lugares del mundo real?",
        "Does my child have opportunities to apply what they learn in real-world settings?",
        "¿Tiene mi hijo o hija oportunidades de aplicar lo que aprende en el mundo real?",
        "Using what is learned at internships and in the community, not only in class.",
        "Usar lo aprendido en las prácticas y en la comunidad, no solo en clase.",
    ),
    (
        "choice",
        "Choice",
        "Elección",
        "Do I have real choices about what, when, and how I will learn and demonstrate my "
        "competence?",
        "¿Puedo elegir de verdad qué, cuándo y cómo aprendo y demuestro lo que sé hacer?",
        "Does my child have real choices about what, when and how they learn and show what "
        "they can do?",
        "¿Puede mi hijo o hija elegir de verdad qué, cuándo y cómo aprende y demuestra lo que "
        "sabe hacer?",
        "The student shapes their own learning plan with their advisor and family.",
        "El estudiante da forma a su propio plan de aprendizaje con su asesor y su familia.",
    ),
    (
        "challenge",
        "Challenge",
        "Desafío",
        "Do I feel appropriately challenged in my learning and work?",
        "¿Siento que mi aprendizaje y mi trabajo me desafían en la medida justa?",
        "Is my child appropriately challenged in their learning and work?",
        "¿Mi hijo o hija tiene desafíos a su medida en su aprendizaje y su trabajo?",
        "Work hard enough to stretch the student, never so hard that it breaks them.",
        "Un trabajo que exige al estudiante lo justo para crecer, sin desanimarlo.",
    ),
    (
        "play",
        "Play",
        "Juego",
        "Do I have opportunities to explore, and to make mistakes and learn from them, "
        "without being branded as a failure?",
        "¿Tengo oportunidades de explorar, equivocarme y aprender de mis errores sin que me "
        "traten como un fracaso?",
        "Does my child have room to explore, make mistakes and learn from them, without "
        "being labelled a failure?",
        "¿Tiene mi hijo o hija espacio para explorar, equivocarse y aprender de sus errores "
        "sin que lo traten como un fracaso?",
        "Room to try, tinker and fail safely on the way to getting it right.",
        "Espacio para probar, experimentar y fallar sin miedo en el camino hacia hacerlo bien.",
    ),
    (
        "practice",
        "Practice",
        "Práctica",
        "Do I have opportunities to engage in deep and sustained practice of those skills I "
        "need to learn?",
        "¿Tengo oportunidades de practicar a fondo y con constancia las habilidades que "
        "necesito aprender?",
        "Does my child get deep and sustained practice of the skills they need?",
        "¿Practica mi hijo o hija a fondo y con constancia las habilidades que necesita?",
        "Time to practise a skill again and again until it becomes the student's own.",
        "Tiempo para practicar una habilidad una y otra vez hasta dominarla.",
    ),
    (
        "time",
        "Time",
        "Tiempo",
        "Do I have sufficient time to learn at my own pace?",
        "¿Tengo tiempo suficiente para aprender a mi propio ritmo?",
        "Does my child have enough time to learn at their own pace?",
        "¿Tiene mi hijo o hija tiempo suficiente para aprender a su propio ritmo?",
        "Learning that follows the student's pace rather than the bell schedule.",
        "Un aprendizaje que sigue el ritmo del estudiante y no el horario del timbre.",
    ),
    (
        "timing",
        "Timing",
        "Momento",
        "Can I pursue my learning out of the standard sequence?",
        "¿Puedo seguir mi aprendizaje fuera del orden habitual?",
        "Can my child pursue their learning outside the standard sequence?",
        "¿Puede mi hijo o hija aprender fuera del orden habitual?",
        "Learning something when the student is ready for it, not when a syllabus says so.",
        "Aprender algo cuando el estudiante está listo, no cuando lo dice un programa.",
    ),
]


def rows() -> list[dict]:
    """Each expectation's values, numbered in order."""
    return [
        {"number": number, **dict(zip(FIELDS, row, strict=True))}
        for number, row in enumerate(TEN, start=1)
    ]


def ensure_expectations() -> None:
    """Make sure the ten exist (the data migration seeds them; a flushed test database or a
    restored dump may not have them)."""
    for values in rows():
        Expectation.objects.get_or_create(key=values["key"], defaults=values)

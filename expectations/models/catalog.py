"""The 10 Expectations students have of their schools, and each school's wording of them."""

from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bigpicture import access

# The wording a school may change, each in English and in Spanish.
WORDING_FIELDS = ("name", "question", "family_question", "description")
LANGUAGES = ("en", "es")


def field_in(name: str, language: str | None) -> str:
    """The model field holding a wording in a language (``name`` or ``name_es``)."""
    return f"{name}_es" if (language or "").startswith("es") else name


class Expectation(models.Model):
    """One of the ten questions a student asks of their school (Washor & Mojkowski), in the
    words Big Picture uses; a school may reword it (``SchoolExpectation``)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    key = models.SlugField(_("key"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_es = models.CharField(_("name in Spanish"), max_length=60)
    question = models.CharField(_("the student's question"), max_length=300)
    question_es = models.CharField(_("the student's question in Spanish"), max_length=300)
    family_question = models.CharField(_("the family's question"), max_length=300)
    family_question_es = models.CharField(_("the family's question in Spanish"), max_length=300)
    description = models.TextField(_("description"))
    description_es = models.TextField(_("description in Spanish"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("expectation")
        verbose_name_plural = _("expectations")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=10), name="expectation_number_1_10"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SchoolExpectationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A school's wording: its admins edit it (a network admin any school's)."""
        if access.is_network_admin(user):
            return self.all()
        if not access.has_role(user, access.ADMIN) or user.school_id is None:
            return self.none()
        return self.filter(school_id=user.school_id)


class SchoolExpectation(models.Model):
    """A school's own wording of an expectation (empty: Big Picture's), and whether its
    students reflect on it. Never deleted once answered: ratings hold the expectation."""

    school = models.ForeignKey(
        "bigpicture.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="expectations",
    )
    expectation = models.ForeignKey(
        Expectation,
        verbose_name=_("expectation"),
        on_delete=models.PROTECT,
        related_name="wordings",
    )
    is_active = models.BooleanField(
        _("students reflect on it"),
        default=True,
        help_text=_("Switched off, it leaves the reflection form; past answers are kept."),
    )
    name = models.CharField(_("name"), max_length=60, blank=True)
    name_es = models.CharField(_("name in Spanish"), max_length=60, blank=True)
    question = models.CharField(_("the student's question"), max_length=300, blank=True)
    question_es = models.CharField(
        _("the student's question in Spanish"), max_length=300, blank=True
    )
    family_question = models.CharField(_("the family's question"), max_length=300, blank=True)
    family_question_es = models.CharField(
        _("the family's question in Spanish"), max_length=300, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = SchoolExpectationQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "expectation__number"]
        verbose_name = _("school's expectation")
        verbose_name_plural = _("school's expectations")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "expectation"], name="school_expectation_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.expectation.name


class Wording:
    """An expectation as a school words it, in one language: Big Picture's words wherever the
    school left a field empty."""

    __slots__ = ("description", "family_question", "key", "name", "number", "pk", "question")

    def __init__(self, expectation: Expectation, own: SchoolExpectation | None, language: str):
        self.pk, self.number, self.key = expectation.pk, expectation.number, expectation.key
        for name in WORDING_FIELDS:
            field = field_in(name, language)
            chosen = getattr(own, field, "") if own is not None else ""
            setattr(self, name, chosen or getattr(expectation, field))

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current_language(cls) -> str:
        return translation.get_language() or "en"

"""What a school's student information system calls our rows: OneRoster ``sourcedId``s.

An import matches on them, so a second run of the same file changes nothing and a changed
file updates what it names; an export writes them back, so another system (or this one)
reads the same identifiers. Rows made here and never imported get one on their first export.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RosterKey(models.Model):
    class Kind(models.TextChoices):
        ORG = "org", _("school")  # object_id: the School
        YEAR = "year", _("school year")  # a SchoolYear (academicSession of type schoolYear)
        TERM = "term", _("term")  # a Term (academicSession: term, semester, gradingPeriod)
        USER = "user", _("person")  # a User: student, guardian, advisor, admin
        CLASS = "class", _("advisory")  # an Advisory (class of type homeroom)
        ENROLLMENT = "enrollment", _("advisory place")  # a Membership

    school = models.ForeignKey(
        "bigpicture.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="roster_keys",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    sourced_id = models.CharField(_("sourcedId"), max_length=255)
    object_id = models.PositiveBigIntegerField(_("row"))
    created_at = models.DateTimeField(_("first seen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("roster identifier")
        verbose_name_plural = _("roster identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "sourced_id"], name="roster_key_unique_sourced_id"
            ),
            models.UniqueConstraint(
                fields=["school", "kind", "object_id"], name="roster_key_unique_row"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sourced_id} -> {self.object_id}"

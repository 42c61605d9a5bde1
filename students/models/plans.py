"""Personalized learning plans: one per student per term, its goals and projects, their
progress, the evidence behind them, the conversation around the plan and its history."""

import uuid

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bigpicture import storage
from bigpicture.links import link
from students.models.profile import Student

# The Five Learning Goals of the Big Picture model, with their guiding questions: the data
# migration seeds ``LearningGoal`` rows from this table; pages show the names and questions
# from here, in the reader's language.
FIVE_GOALS = {
    "empirical": (_("Empirical Reasoning"), _("How do I prove it?")),
    "quantitative": (
        _("Quantitative Reasoning"),
        _("How do I measure, compare or represent it?"),
    ),
    "communication": (_("Communication"), _("How do I take in and express ideas?")),
    "social": (_("Social Reasoning"), _("What do other people have to say about this?")),
    "personal": (_("Personal Qualities"), _("What do I bring to this process?")),
}
PERSONAL = "personal-goals"  # narratives' section for the student's own, personal goals


class LearningGoal(models.Model):
    """One of the Five Learning Goals, seeded by a data migration."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    question = models.CharField(_("guiding question"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("learning goal")
        verbose_name_plural = _("learning goals")

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        """The goal's name in the reader's language."""
        return self.label_of(self.code, self.name)

    @staticmethod
    def label_of(code: str, name: str) -> str:
        """A goal's name in the reader's language, by its code (else the name it was stored
        with): for pages that read the codes of an item's goals, not the goals' rows."""
        return FIVE_GOALS.get(code, (name,))[0]

    @property
    def guiding_question(self) -> str:
        return FIVE_GOALS.get(self.code, (self.name, self.question))[1]


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans of the students a person may see (admins, advisor, the student, family)."""
        return self.filter(student__in=Student.objects.visible_to(user).values("pk"))

    def editable_by(self, user):
        """Plans whose content a person may change: only the student, their own."""
        if not user.is_authenticated or not user.is_student:
            return self.none()
        return self.filter(student__user_id=user.pk, student__school_id=user.school_id)

    def reviewable_by(self, user):
        """Plans a person may approve or send back: the student's advisor, and admins."""
        return self.filter(student__in=Student.objects.led_by(user).values("pk"))


class LearningPlan(models.Model):
    """A student's plan for one term: who they are as a learner and the term's work."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="plans",
    )
    term = models.ForeignKey(
        "bigpicture.Term", verbose_name=_("term"), on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    interests = models.TextField(_("interests"), blank=True)
    life_goals = models.TextField(_("life goals"), blank=True)
    learning_style = models.TextField(_("how I learn best"), blank=True)
    needs = models.TextField(_("needs and supports"), blank=True)
    started_from = models.ForeignKey(
        "self",
        verbose_name=_("started from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["student_id", "-term__start_date"]
        verbose_name = _("learning plan")
        verbose_name_plural = _("learning plans")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "term"],
                name="plan_one_per_student_term",
                violation_error_message=_("This student already has a plan for this term."),
            )
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return _("Learning plan of %(student)s, %(term)s") % {
            "student": self.student,
            "term": self.term,
        }

    def get_absolute_url(self) -> str:
        return link("students:plan-detail", self.pk)

    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_editable(self) -> bool:
        """The student may change the content unless it waits for review or its term is over."""
        if self.status == self.Status.SUBMITTED:
            return False
        return self.term.end_date >= self.student.school.today()


class PlanItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(plan__in=LearningPlan.objects.visible_to(user))


class PlanItem(models.Model):
    """A goal or a project of the term's work, tied to learning goals or marked personal."""

    class Kind(models.TextChoices):
        GOAL = "goal", _("Goal")
        PROJECT = "project", _("Project")

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        MET = "met", _("Met")
        CARRIED_OVER = "carried_over", _("Carried over")

    plan = models.ForeignKey(
        LearningPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GOAL)
    title = models.CharField(_("title"), max_length=200)
    learning_goals = models.ManyToManyField(
        LearningGoal, verbose_name=_("learning goals"), blank=True, related_name="items"
    )
    is_personal = models.BooleanField(_("personal goal"), default=False)
    what = models.TextField(_("what I will do"), blank=True)
    how = models.TextField(_("how I will do it"), blank=True)
    resources = models.TextField(_("resources"), blank=True)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    evidence_planned = models.TextField(_("evidence I will show"), blank=True)
    progress = models.CharField(
        _("progress"), max_length=20, choices=Progress.choices, default=Progress.NOT_STARTED
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
    )

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "position", "pk"]
        verbose_name = _("goal or project")
        verbose_name_plural = _("goals and projects")

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        return str(self.Kind(self.kind).label)

    @property
    def progress_label(self) -> str:
        return str(self.Progress(self.progress).label)


class ProgressUpdate(models.Model):
    """A dated note on how a goal or project is going, with its progress at that point."""

    item = models.ForeignKey(
        PlanItem,
        verbose_name=_("goal or project"),
        on_delete=models.CASCADE,
        related_name="updates",
    )
    progress = models.CharField(_("progress"), max_length=20, choices=PlanItem.Progress.choices)
    note = models.TextField(_("note"), blank=True)
    on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["item_id", "-on", "-pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.item}: {self.get_progress_display()} ({self.on})"

    @property
    def progress_label(self) -> str:
        return str(PlanItem.Progress(self.progress).label)


def private_storage():
    """Where evidence files live: no public URL, served only through the access policy. The
    private store is looked up lazily (``bigpicture.storage``), on disk or in a bucket."""
    return storage.private_storage


def evidence_path(instance, filename: str) -> str:
    """Private storage path; the name the student gave is kept only as a label."""
    return f"evidence/{instance.item.plan.student_id}/{uuid.uuid4().hex}"


def media_kind(content_type: str) -> str:
    """ "video" or "audio" for a type of file the browser plays in the page, else ""."""
    kind = content_type.split("/", 1)[0]
    return kind if kind in {"video", "audio"} else ""


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(item__plan__in=LearningPlan.objects.visible_to(user))


class Evidence(models.Model):
    """A file or a link showing work on a goal or project."""

    item = models.ForeignKey(
        PlanItem,
        verbose_name=_("goal or project"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=evidence_path, storage=private_storage, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    # A school may take files of up to 4 GB (School.evidence_limit_mb): past an integer's range.
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    url = models.URLField(
        _("link"), max_length=500, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["item_id", "created_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="evidence_file_or_link",
                violation_error_message=_("Attach a file or give a link, not both."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.url:
            return self.url
        return link("students:evidence-file", self.pk)

    @property
    def media(self) -> str:
        """ "video" or "audio" for a file the browser plays in the page, else ""."""
        return media_kind(self.content_type)


class PlanComment(models.Model):
    """A comment on a plan: the advisor's review, a guardian's thought, the student's reply;
    one about a single goal or project names it."""

    plan = models.ForeignKey(
        LearningPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="comments"
    )
    # A goal removed later leaves its comments on the plan: what was said is kept.
    item = models.ForeignKey(
        PlanItem,
        verbose_name=_("goal or project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["plan_id", "created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:60]


class PlanRevision(models.Model):
    """One change to a plan: who, when, what, and the whole plan as it stood after it.

    Every change writes one, so every version of the living document is kept.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Started the plan")
        EDITED = "edited", _("Changed the plan")
        ITEM_ADDED = "item_added", _("Added a goal or project")
        ITEM_CHANGED = "item_changed", _("Changed a goal or project")
        ITEM_REMOVED = "item_removed", _("Removed a goal or project")
        REORDERED = "reordered", _("Reordered the goals and projects")
        PROGRESS = "progress", _("Recorded progress")
        EVIDENCE = "evidence", _("Changed the evidence")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Asked for changes")

    plan = models.ForeignKey(
        LearningPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    summary = models.CharField(_("what changed"), max_length=500, blank=True)
    snapshot = models.JSONField(_("the plan after the change"), default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["plan_id", "-at", "-pk"]
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.version} {self.action}"

    @property
    def action_label(self) -> str:
        return str(self.Action(self.action).label)

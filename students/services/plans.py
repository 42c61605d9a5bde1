"""Writes to learning plans: the student shapes the plan, the advisor reviews it, the
learning team comments. Every change leaves a revision holding the whole plan after it."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from bigpicture import notifications
from bigpicture.dates import span_errors
from bigpicture.models import Term, User
from bigpicture.records import Area, records_change, through
from students.models import (
    LearningPlan,
    PlanComment,
    PlanItem,
    PlanRevision,
    ProgressUpdate,
    Student,
)
from students.reminders.plans import (
    PLAN_SUBMITTED,
    PLAN_WAITING,
    notify_reviewed,
    notify_submitted,
)

ABOUT_FIELDS = ("interests", "life_goals", "learning_style", "needs")
ITEM_FIELDS = ("kind", "title", "is_personal", "what", "how", "resources", "due_on")
ITEM_FIELDS = (*ITEM_FIELDS, "evidence_planned")
Action = PlanRevision.Action
Status = LearningPlan.Status
# Changes to what the plan says; made to an approved plan, they start its next version.
CONTENT_CHANGES = {
    Action.EDITED,
    Action.ITEM_ADDED,
    Action.ITEM_CHANGED,
    Action.ITEM_REMOVED,
    Action.REORDERED,
}


# --- who may do what -------------------------------------------------------------------------


def _require_author(plan: LearningPlan, by: User) -> None:
    """Only the student changes the plan's content: not while it waits for review, and not
    once its term is over (the record of that term stays as it was)."""
    if not LearningPlan.objects.editable_by(by).filter(pk=plan.pk).exists():
        raise PermissionDenied
    if plan.status == Status.SUBMITTED:
        raise ValidationError(
            _("The plan is waiting for your advisor's review. You can change it again after.")
        )
    if plan.term.end_date < plan.student.school.today():
        raise ValidationError(
            _("This term is over, so its plan is kept as it was. Change this term's plan.")
        )


def require_team(plan: LearningPlan, by: User) -> None:
    """The student or their advisor (or an admin): who records progress and evidence."""
    authors = LearningPlan.objects.editable_by(by).filter(pk=plan.pk)
    reviewers = LearningPlan.objects.reviewable_by(by).filter(pk=plan.pk)
    if not (authors.exists() or reviewers.exists()):
        raise PermissionDenied


# --- revisions ---------------------------------------------------------------------------------


def snapshot(plan: LearningPlan) -> dict:
    """The whole plan as plain data, as it stands now."""
    items = plan.items.prefetch_related("learning_goals").order_by("position", "pk")
    return {
        "status": plan.status,
        "version": plan.version,
        **{field: getattr(plan, field) for field in ABOUT_FIELDS},
        "items": [
            {
                "pk": item.pk,  # how a later version knows the same goal under a new title
                "kind": item.kind,
                "title": item.title,
                "learning_goals": [goal.code for goal in item.learning_goals.all()],
                "is_personal": item.is_personal,
                "what": item.what,
                "how": item.how,
                "resources": item.resources,
                "due_on": item.due_on.isoformat() if item.due_on else None,
                "evidence_planned": item.evidence_planned,
                "progress": item.progress,
            }
            for item in items
        ],
    }


def revise(plan: LearningPlan, by: User, action: str, summary: str = "", fields=()) -> None:
    """Record a change: a content change to an approved plan starts its next version."""
    if action in CONTENT_CHANGES and plan.status == Status.APPROVED:
        plan.status = Status.DRAFT
        plan.version += 1
        plan.save(update_fields=["status", "version", "updated_at"])
    else:
        plan.save(update_fields=["updated_at"])
    data = snapshot(plan)
    data["changed"] = list(fields)
    PlanRevision.objects.create(
        plan=plan, version=plan.version, action=action, summary=summary[:500], by=by, snapshot=data
    )


# --- the plan ----------------------------------------------------------------------------------


@records_change(Area.PLAN, student=through("student"))
@transaction.atomic
def plan_start(*, student: Student, term: Term, by: User, carry_over: bool = True) -> LearningPlan:
    """Start a student's plan for a term, from their last plan when there is one.

    The last plan's about-me answers are copied, and its goals and projects that are not met
    move to the new plan (marked carried over in the old one).
    """
    if by.pk != student.user_id or not by.is_student:
        raise PermissionDenied
    if term.school_year.school_id != student.school_id:
        raise ValidationError({"term": _("Choose a term of your school.")})
    if LearningPlan.objects.filter(student=student, term=term).exists():
        raise ValidationError({"term": _("You already have a plan for this term.")})
    previous = (
        LearningPlan.objects.filter(student=student, term__start_date__lt=term.start_date)
        .order_by("-term__start_date")
        .first()
    )
    if previous is not None:
        about = {field: getattr(previous, field) for field in ABOUT_FIELDS}
    else:  # a first plan starts from what the student's profile already says
        about = {field: getattr(student, field) for field in ("interests", "learning_style")}
        about["needs"] = student.needs
    plan = LearningPlan(student=student, term=term, started_from=previous, **about)
    plan.full_clean()
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as clash:  # the same plan started twice at once
        raise ValidationError({"term": _("You already have a plan for this term.")}) from clash
    if previous is not None and carry_over:
        _carry_over(previous, plan, by)
    revise(plan, by, Action.CREATED)
    return plan


def _carry_over(previous: LearningPlan, plan: LearningPlan, by: User) -> None:
    # Work already carried into another plan is not copied a second time.
    done = [PlanItem.Progress.MET, PlanItem.Progress.CARRIED_OVER]
    unmet = previous.items.exclude(progress__in=done).prefetch_related("learning_goals")
    today = plan.student.school.today()
    for position, item in enumerate(unmet.order_by("position", "pk")):
        goals = list(item.learning_goals.all())
        copy = PlanItem.objects.create(
            plan=plan,
            position=position,
            carried_from=item,
            progress=PlanItem.Progress.IN_PROGRESS
            if item.progress == PlanItem.Progress.IN_PROGRESS
            else PlanItem.Progress.NOT_STARTED,
            due_on=None,
            **{field: getattr(item, field) for field in ITEM_FIELDS if field != "due_on"},
        )
        copy.learning_goals.set(goals)
        if item.progress != PlanItem.Progress.CARRIED_OVER:
            item.progress = PlanItem.Progress.CARRIED_OVER
            item.save(update_fields=["progress"])
            ProgressUpdate.objects.create(
                item=item, progress=item.progress, on=today, by=by, note=str(plan.term)
            )


@records_change(Area.PLAN, student=through("plan", "student"))
@transaction.atomic
def plan_update(*, plan: LearningPlan, by: User, **fields) -> LearningPlan:
    """The student changes who they are as a learner: interests, life goals, needs..."""
    _require_author(plan, by)
    # Compare with what is stored: a bound form may already have set the new values.
    stored = LearningPlan.objects.get(pk=plan.pk)
    changed = []
    for field in ABOUT_FIELDS:
        if field in fields:
            setattr(plan, field, fields[field].strip())
            if getattr(plan, field) != getattr(stored, field):
                changed.append(field)
    if not changed:
        return plan
    plan.full_clean()
    plan.save()
    revise(plan, by, Action.EDITED, fields=changed)
    return plan


# --- goals and projects ------------------------------------------------------------------------


def _check_item(plan: LearningPlan, goals, is_personal: bool, due_on: date | None) -> None:
    errors = {}
    if not goals and not is_personal:
        errors["learning_goals"] = _(
            "Choose at least one of the Five Learning Goals, or mark it as a personal goal."
        )
    if due_on and due_on < plan.term.start_date:
        errors["due_on"] = _("Choose a date in this plan's term or after it.")
    elif due_on:
        errors |= span_errors(plan.student.school.today(), due_on=due_on)
    if errors:
        raise ValidationError(errors)


@records_change(Area.PLAN, student=through("plan", "student"))
@transaction.atomic
def item_add(*, plan: LearningPlan, by: User, learning_goals=(), title: str, **fields) -> PlanItem:
    """Add a goal or a project to the term's work, at the end of the list."""
    _require_author(plan, by)
    goals = list(learning_goals)
    _check_item(plan, goals, fields.get("is_personal", False), fields.get("due_on"))
    last = plan.items.aggregate(last=Max("position"))["last"]
    item = PlanItem(
        plan=plan,
        title=title.strip(),
        position=0 if last is None else last + 1,
        **{key: value for key, value in fields.items() if key in ITEM_FIELDS},
    )
    item.full_clean()
    item.save()
    item.learning_goals.set(goals)
    revise(plan, by, Action.ITEM_ADDED, item.title)
    return item


@records_change(Area.PLAN, student=through("item", "plan", "student"))
@transaction.atomic
def item_update(*, item: PlanItem, by: User, learning_goals=None, **fields) -> PlanItem:
    """Change a goal or project of the plan."""
    plan = item.plan
    _require_author(plan, by)
    stored = PlanItem.objects.prefetch_related("learning_goals").get(pk=item.pk)
    before = {goal.pk for goal in stored.learning_goals.all()}
    goals = list(stored.learning_goals.all()) if learning_goals is None else list(learning_goals)
    for key in ITEM_FIELDS:
        if key in fields:
            value = fields[key]
            setattr(item, key, value.strip() if isinstance(value, str) else value)
    unchanged = all(getattr(item, key) == getattr(stored, key) for key in ITEM_FIELDS)
    if unchanged and {goal.pk for goal in goals} == before:
        return item  # saving an unchanged form is not a revision (nor a new version)
    _check_item(plan, goals, item.is_personal, item.due_on)
    item.full_clean()
    item.save()
    item.learning_goals.set(goals)
    revise(plan, by, Action.ITEM_CHANGED, item.title)
    return item


@records_change(Area.PLAN, student=through("item", "plan", "student"))
@transaction.atomic
def item_remove(*, item: PlanItem, by: User) -> None:
    """Take a goal or project out of the plan (the revisions keep it)."""
    plan = item.plan
    _require_author(plan, by)
    if item.exhibitions.exists():
        raise ValidationError(
            _("This work is part of an exhibition's record, so it stays in the plan.")
        )
    title = item.title
    files = [(e.file.storage, e.file.name) for e in item.evidence.exclude(file="")]
    item.delete()
    for storage, name in files:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name), robust=True)
    revise(plan, by, Action.ITEM_REMOVED, title)


@records_change(Area.PLAN, student=through("item", "plan", "student"))
@transaction.atomic
def item_move(*, item: PlanItem, by: User, direction: str) -> None:
    """Move a goal or project one place up or down the list."""
    plan = item.plan
    _require_author(plan, by)
    items = list(plan.items.select_for_update().order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])
    revise(plan, by, Action.REORDERED, item.title)


@records_change(Area.PLAN, student=through("item", "plan", "student"))
@transaction.atomic
def progress_record(
    *, item: PlanItem, by: User, progress: str, note: str = "", on: date | None = None
) -> ProgressUpdate:
    """A dated progress update on a goal or project, by the student or their advisor."""
    plan = item.plan
    require_team(plan, by)
    today = plan.student.school.today()
    on = on or today
    if on > today:
        raise ValidationError({"on": _("Progress is recorded for today or an earlier day.")})
    # The plan's work, from its term's first day (or from the day the plan was begun, when
    # that came first: a plan shaped in the summer break for the coming term), up to today:
    # a goal finished in the break still counts.
    begun = timezone.localtime(plan.created_at, plan.student.school.zone).date()
    first = min(plan.term.start_date, begun)
    if on < first:
        raise ValidationError(
            {
                "on": _("Choose a day from %(first)s, when this plan's work began, up to today.")
                % {"first": formats.date_format(first)}
            }
        )
    update = ProgressUpdate(item=item, progress=progress, note=note.strip(), on=on, by=by)
    update.full_clean()
    update.save()
    latest = item.updates.order_by("-on", "-pk").first()
    if latest.pk == update.pk and item.progress != progress:
        item.progress = progress
        item.save(update_fields=["progress"])
    revise(plan, by, Action.PROGRESS, item.title)
    return update


# --- evidence ----------------------------------------------------------------------------------


# --- review and conversation -------------------------------------------------------------------


@records_change(Area.PLAN, student=through("plan", "student"))
@transaction.atomic
def plan_submit(*, plan: LearningPlan, by: User) -> LearningPlan:
    """The student hands the plan (or its revision) to their advisor for review."""
    _require_author(plan, by)
    if plan.status == Status.APPROVED:
        raise ValidationError(_("This version is approved already. Change it to revise it."))
    if not plan.items.exists():
        raise ValidationError(_("Add at least one goal or project before you submit the plan."))
    plan.status = Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    revise(plan, by, Action.SUBMITTED)
    notify_submitted(plan)
    return plan


@records_change(Area.PLAN, student=through("plan", "student"))
@transaction.atomic
def plan_review(
    *,
    plan: LearningPlan,
    by: User,
    approve: bool,
    comment: str = "",
    item_comments: dict[int, str] | None = None,
) -> LearningPlan:
    """The advisor approves a submitted plan, or sends it back with what to change: a
    comment on the whole plan and one on any of its goals and projects."""
    if not LearningPlan.objects.reviewable_by(by).filter(pk=plan.pk).exists():
        raise PermissionDenied
    # Lock the plan: two reviews sent at once are applied one after the other.
    plan.status = (
        LearningPlan.objects.select_for_update().values_list("status", flat=True).get(pk=plan.pk)
    )
    if plan.status != Status.SUBMITTED:
        raise ValidationError(_("Only a plan waiting for review can be reviewed."))
    comment = comment.strip()
    per_item = {pk: text.strip() for pk, text in (item_comments or {}).items() if text.strip()}
    items = plan.items.in_bulk(per_item)
    if len(items) != len(per_item):  # a goal removed meanwhile, or another plan's
        raise ValidationError(_("One of the goals commented on is no longer in this plan."))
    if not approve and not (comment or per_item):
        raise ValidationError({"comment": _("Say what the student should change.")})
    plan.status = Status.APPROVED if approve else Status.CHANGES_REQUESTED
    plan.reviewed_at, plan.reviewed_by = timezone.now(), by
    plan.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
    comments = [PlanComment(plan=plan, author=by, body=comment)] if comment else []
    comments += [
        PlanComment(plan=plan, item=items[pk], author=by, body=text)
        for pk, text in per_item.items()
    ]
    PlanComment.objects.bulk_create(comments)
    revise(plan, by, Action.APPROVED if approve else Action.CHANGES_REQUESTED, comment)
    # The student's message carries every comment, each on a goal named by its title.
    told = [comment] if comment else []
    told += [f"{items[pk].title}: {text}" for pk, text in per_item.items()]
    notify_reviewed(plan, "\n".join(told))
    # The advisor's "waiting for your review" messages are done with.
    notifications.resolve([PLAN_SUBMITTED, PLAN_WAITING], f"plan:{plan.pk}")
    return plan


@records_change(Area.PLAN, student=through("plan", "student"))
def plan_comment(*, plan: LearningPlan, by: User, body: str) -> PlanComment:
    """Anyone of the learning team who can read the plan adds a comment to it."""
    if not LearningPlan.objects.visible_to(by).filter(pk=plan.pk).exists():
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    comment = PlanComment(plan=plan, author=by, body=body)
    comment.full_clean()
    comment.save()
    return comment

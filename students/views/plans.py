"""Learning plan pages: a student's plans, the plan, its goals and projects, progress,
evidence, submission and review, comments and the history of every change."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from bigpicture import records
from bigpicture.access import (
    LEARNING_TEAM,
    STAFF,
    STUDENT,
    STUDENT_AND_STAFF,
    RoleRequiredMixin,
)
from bigpicture.mixins import ListPageMixin, RecordsViewMixin, ServiceFormMixin
from bigpicture.ranges import stored_file_response
from bigpicture.records import Area
from bigpicture.uploads import limit_uploads
from students.forms.plans import (
    CommentForm,
    EvidenceForm,
    PlanAboutForm,
    PlanItemForm,
    PlanStartForm,
    ProgressForm,
    ReviewForm,
)
from students.models import Evidence, LearningPlan, PlanItem, PlanRevision, Student
from students.selectors import plans as selectors
from students.services import evidence as evidence_services
from students.services import plans as services
from students.views.mixins import StudentMixin


class PlanMixin(RoleRequiredMixin):
    """Views about one plan, fetched through the queryset that says who may do this."""

    reach = "visible_to"

    def get_plan(self) -> LearningPlan:
        if not hasattr(self, "plan"):
            plans = getattr(LearningPlan.objects, self.reach)(self.request.user)
            self.plan = get_object_or_404(
                plans.select_related("student__user", "student__school", "term__school_year"),
                pk=self.kwargs["pk"],
            )
        return self.plan

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.get_plan(), **kwargs)

    def get_success_url(self):
        return self.get_plan().get_absolute_url()


class ItemMixin(PlanMixin):
    """Views about one goal or project; the plan is the item's."""

    def get_item(self) -> PlanItem:
        if not hasattr(self, "item"):
            plans = getattr(LearningPlan.objects, self.reach)(self.request.user)
            self.item = get_object_or_404(
                PlanItem.objects.filter(plan__in=plans).select_related(
                    "plan__student__user", "plan__student__school", "plan__term__school_year"
                ),
                pk=self.kwargs["pk"],
            )
            self.plan = self.item.plan
        return self.item

    def get_plan(self) -> LearningPlan:
        return self.get_item().plan

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.get_item(), **kwargs)


class ServiceActionView(View):
    """A POST-only action calling one service; its refusal is shown as a message."""

    success_message = ""

    def act(self):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            self.act()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if self.success_message:
                messages.success(request, self.success_message)
        return redirect(self.get_success_url())


# --- a student's plans -------------------------------------------------------------------------


class PlanListView(RecordsViewMixin, StudentMixin, ListView):
    allowed_roles = LEARNING_TEAM
    record_area = Area.PLAN
    template_name = "students/plans/plan_list.html"
    context_object_name = "plans"

    def get_queryset(self):
        return selectors.student_plans(self.get_student())

    def get_context_data(self, **kwargs):
        student = self.get_student()
        own = student.user_id == self.request.user.pk
        return super().get_context_data(
            can_start=own and selectors.terms_open_for(student).exists(),
            **kwargs,
        )


class PlanStartView(StudentMixin, ServiceFormMixin, FormView):
    allowed_roles = {STUDENT}
    form_class = PlanStartForm
    template_name = "students/plans/plan_start.html"
    success_message = _("Your plan for the term is started.")
    existing: LearningPlan | None = None  # the plan started meanwhile for the term chosen

    def students(self):
        return Student.objects.filter(user=self.request.user)

    def get_form_kwargs(self):
        student = self.get_student()
        # Offer the terms still without a plan; a POST is checked against every term not
        # ended, so one started meanwhile (another tab) is refused by name, not as unknown.
        if self.request.method == "POST":
            terms = selectors.terms_not_ended(student)
        else:
            terms = selectors.terms_open_for(student)
        return {**super().get_form_kwargs(), "terms": terms}

    def perform(self, form):
        student, term = self.get_student(), form.cleaned_data["term"]
        try:
            return services.plan_start(student=student, by=self.request.user, **form.cleaned_data)
        except ValidationError:
            # Started meanwhile: point to it (nothing typed here is lost but a choice).
            plans = LearningPlan.objects.filter(student=student, term=term)
            self.existing = plans.select_related("term__school_year").first()
            raise

    def get_context_data(self, **kwargs):
        return super().get_context_data(existing=self.existing, **kwargs)

    def get_success_url(self):
        return self.result.get_absolute_url()


# --- the plan ----------------------------------------------------------------------------------


class VisiblePlanMixin(RecordsViewMixin, PlanMixin):
    """Pages that only show a plan: read as shown, within ``visible_to``'s reach
    (``selectors.plan_in_reach``), a 404 outside it; each view of it is recorded."""

    record_area = Area.PLAN

    def recorded_student(self):
        return self.get_plan().student

    def get_plan(self) -> LearningPlan:
        if not hasattr(self, "plan"):
            user, plan = (
                self.request.user,
                selectors.plan_in_reach(self.request.user, self.kwargs["pk"]),
            )
            if plan is None:
                raise Http404
            if plan.student.school_id == user.school_id:
                plan.student.school = user.school  # read with the person
            self.plan = plan
        return self.plan


class PlanDetailView(VisiblePlanMixin, TemplateView):
    allowed_roles = LEARNING_TEAM
    template_name = "students/plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan, user = self.get_plan(), self.request.user
        is_author = plan.student.user_id == user.pk and user.is_student

        def read():
            # reviewable_by(user), asked of the plan in hand: no query for an admin or a student
            can_review = plan.student.is_led_by(user)
            return {
                **selectors.plan_page(plan),
                "can_edit": is_author and plan.is_editable,
                "can_review": can_review and plan.status == LearningPlan.Status.SUBMITTED,
                "can_track": is_author or can_review,
            }

        return super().get_context_data(**read(), is_author=is_author, **kwargs)


class PlanUpdateView(PlanMixin, ServiceFormMixin, FormView):
    allowed_roles = {STUDENT}
    reach = "editable_by"
    form_class = PlanAboutForm
    template_name = "students/plans/plan_form.html"
    success_message = _("Your plan is saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_plan()}

    def perform(self, form):
        return services.plan_update(plan=self.get_plan(), by=self.request.user, **form.cleaned_data)


class PlanSubmitView(PlanMixin, ServiceActionView):
    allowed_roles = {STUDENT}
    reach = "editable_by"
    success_message = _("Your plan is submitted. Your advisor will review it.")

    def act(self):
        services.plan_submit(plan=self.get_plan(), by=self.request.user)


class PlanReviewView(PlanMixin, ServiceFormMixin, FormView):
    allowed_roles = STAFF
    reach = "reviewable_by"
    form_class = ReviewForm
    template_name = "students/plans/plan_review.html"
    success_message = _("Your review is sent to the student.")

    def get_form_kwargs(self):
        # one comment box per goal or project, named by its key
        items = self.get_plan().items.order_by("position", "pk").values_list("pk", "title")
        return {**super().get_form_kwargs(), "items": items}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**selectors.review_page(self.get_plan()), **kwargs)
        form = context["form"]
        for item in context["items"]:  # each goal's box beside it (none for one added since)
            name = f"item_{item['pk']}"
            item["comment_field"] = form[name] if name in form.fields else None
        return context

    def perform(self, form):
        data = form.cleaned_data
        return services.plan_review(
            plan=self.get_plan(),
            by=self.request.user,
            approve=data["decision"] == "approve",
            comment=data["comment"],
            item_comments=form.item_comments(),
        )


class PlanCommentView(PlanMixin, ServiceFormMixin, FormView):
    allowed_roles = LEARNING_TEAM
    form_class = CommentForm
    template_name = "students/plans/comment_form.html"
    success_message = _("Your comment is added.")

    def perform(self, form):
        return services.plan_comment(
            plan=self.get_plan(), by=self.request.user, **form.cleaned_data
        )


class PlanHistoryView(VisiblePlanMixin, ListPageMixin, ListView):
    allowed_roles = LEARNING_TEAM
    template_name = "students/plans/plan_history.html"
    context_object_name = "revisions"
    paginate_by = 50

    def get_queryset(self):
        return selectors.plan_history(self.get_plan())


class RevisionDetailView(RecordsViewMixin, RoleRequiredMixin, DetailView):
    """The plan exactly as it stood after one change."""

    allowed_roles = LEARNING_TEAM
    record_area = Area.PLAN

    def recorded_student(self):
        return self.object.plan.student

    template_name = "students/plans/revision_detail.html"
    context_object_name = "revision"

    def get_queryset(self):
        plans = LearningPlan.objects.visible_to(self.request.user)
        return PlanRevision.objects.filter(plan__in=plans).select_related(
            "by", "plan__student__user", "plan__term__school_year"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            plan=self.object.plan, goals=selectors.goals_by_code(), **kwargs
        )


# --- goals and projects ------------------------------------------------------------------------


class ItemCreateView(PlanMixin, ServiceFormMixin, FormView):
    allowed_roles = {STUDENT}
    reach = "editable_by"
    form_class = PlanItemForm
    template_name = "students/plans/item_form.html"
    success_message = _("Added to your plan.")

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in PlanItem.Kind.values else {}

    def perform(self, form):
        return services.item_add(plan=self.get_plan(), by=self.request.user, **form.cleaned_data)


class ItemUpdateView(ItemMixin, ServiceFormMixin, FormView):
    allowed_roles = {STUDENT}
    reach = "editable_by"
    form_class = PlanItemForm
    template_name = "students/plans/item_form.html"
    success_message = _("Your plan is saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_item()}

    def perform(self, form):
        return services.item_update(item=self.get_item(), by=self.request.user, **form.cleaned_data)


class ItemDeleteView(ItemMixin, TemplateView):
    allowed_roles = {STUDENT}
    reach = "editable_by"
    template_name = "students/plans/item_confirm_delete.html"

    def post(self, request, *args, **kwargs):
        item = self.get_item()
        try:
            services.item_remove(item=item, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Removed from your plan."))
        return redirect(item.plan)


class ItemMoveView(ItemMixin, ServiceActionView):
    allowed_roles = {STUDENT}
    reach = "editable_by"

    def act(self):
        direction = self.request.POST.get("direction", "")
        services.item_move(item=self.get_item(), by=self.request.user, direction=direction)


class ProgressCreateView(ItemMixin, ServiceFormMixin, FormView):
    allowed_roles = STUDENT_AND_STAFF
    reach = "visible_to"
    form_class = ProgressForm
    template_name = "students/plans/progress_form.html"
    success_message = _("Progress recorded.")

    def get_initial(self):
        item = self.get_item()
        return {"progress": item.progress, "on": item.plan.student.school.today()}

    def perform(self, form):
        return services.progress_record(
            item=self.get_item(), by=self.request.user, **form.cleaned_data
        )


# The upload is read only once the person and the goal are checked, with the school's size
# limit in front of it; the CSRF token is checked then (csrf_exempt only defers it to post()),
# and no transaction is held open while a large file arrives (the service opens its own).
@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class EvidenceCreateView(ItemMixin, ServiceFormMixin, FormView):
    allowed_roles = STUDENT_AND_STAFF
    reach = "visible_to"
    form_class = EvidenceForm
    template_name = "students/plans/evidence_form.html"
    success_message = _("The evidence is added.")
    upload_limit = None

    def limit_mb(self) -> int:
        return self.get_item().plan.student.school.evidence_limit_mb

    def post(self, request, *args, **kwargs):
        limit = evidence_services.limit_bytes(self.limit_mb())  # out of reach: 404 here
        self.upload_limit = limit_uploads(request, limit)
        return csrf_protect(super().post)(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "limit_mb": self.limit_mb()}
        if self.upload_limit is not None and self.upload_limit.refused_size is not None:
            size = self.upload_limit.refused_size
            kwargs["upload_refusal"] = evidence_services.too_large(size, self.limit_mb())
        return kwargs

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code == 302 and self.request.headers.get("X-Upload-Progress"):
            # The upload script opens the page itself: a redirect its request followed would
            # show (and use up) the "added" message out of sight.
            return JsonResponse({"redirect": response.url})
        return response

    def perform(self, form):
        data = form.cleaned_data
        return evidence_services.evidence_add(
            item=self.get_item(),
            by=self.request.user,
            title=data["title"],
            file=data.get("file"),
            url=data.get("url", ""),
        )


class EvidenceFileView(RoleRequiredMixin, View):
    """Serve an evidence file to whoever may see the plan: a video or a recording inline, in
    the byte ranges the browser's player asks for; any other file as a download."""

    allowed_roles = LEARNING_TEAM

    def get(self, request, *args, **kwargs):
        # The student comes in the same read, for the record of access.
        evidence = get_object_or_404(
            Evidence.objects.visible_to(request.user)
            .exclude(file="")
            .select_related("item__plan__student"),
            pk=kwargs["pk"],
        )
        response = stored_file_response(
            request,
            evidence.file.storage,
            evidence.file.name,
            content_type=evidence.content_type or "application/octet-stream",
            filename=evidence.filename or "evidence",
            as_attachment=not evidence.media,
        )
        response["Cache-Control"] = "private, no-store"
        # A player reads a file in many ranges: the viewing is the one from its first byte.
        first = response.status_code == 206 and response["Content-Range"].startswith("bytes 0-")
        if response.status_code == 200 or first:
            records.viewed(request, Area.EVIDENCE, evidence.item.plan.student)
        return response


class EvidenceDeleteView(RoleRequiredMixin, ServiceActionView):
    allowed_roles = STUDENT_AND_STAFF
    success_message = _("The evidence is removed.")

    def get_evidence(self) -> Evidence:
        if not hasattr(self, "evidence"):
            self.evidence = get_object_or_404(
                Evidence.objects.visible_to(self.request.user).select_related("item__plan"),
                pk=self.kwargs["pk"],
            )
        return self.evidence

    def act(self):
        evidence_services.evidence_remove(evidence=self.get_evidence(), by=self.request.user)

    def get_success_url(self):
        return self.get_evidence().item.plan.get_absolute_url()

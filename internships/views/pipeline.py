"""Pages along the way into an internship: the student's internship page, explorations,
the proposal and its agreement, the placement with its steps, site visits and evaluations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View

from bigpicture.access import (
    GUARDIAN,
    INTERNSHIP_TEAM,
    LEARNING_TEAM,
    MENTOR,
    STAFF,
    STUDENT_AND_STAFF,
    RoleRequiredMixin,
)
from bigpicture.mixins import RecordsViewMixin, ServiceFormMixin
from bigpicture.records import Area
from internships.forms.pipeline import (
    ConsentDeclineForm,
    ConsentQuestionForm,
    EvaluationForm,
    ExplorationForm,
    PlacementForm,
    StepForm,
    VisitForm,
)
from internships.models import Evaluation, Placement, may_propose
from internships.selectors import pipeline as selectors
from internships.services import pipeline as services
from internships.services import visits
from students.models import Student
from students.views.mixins import StudentMixin

STEP_MESSAGES = {
    "approve": _("The internship is approved. The family is asked for consent."),
    "send_back": _("The proposal is sent back with your comment."),
    "consent": _("Thank you: your consent is recorded. The mentor is asked to accept."),
    "accept": _("You accepted the intern: the internship is active."),
    "complete": _("The internship is complete."),
    "end": _("The internship is ended."),
}


class PlacementMixin(RoleRequiredMixin):
    """Pages about one placement, fetched through the queryset ``placements()`` names."""

    def placements(self):
        return Placement.objects.visible_to(self.request.user)

    def read(self, placements):
        return selectors.placements_for_page(placements)

    def get_placement(self) -> Placement:
        if not hasattr(self, "placement"):
            placements = self.read(self.placements())
            self.placement = get_object_or_404(placements, pk=self.kwargs["pk"])
        return self.placement

    def get_context_data(self, **kwargs):
        return super().get_context_data(placement=self.get_placement(), **kwargs)

    def get_success_url(self):
        return self.get_placement().get_absolute_url()


# --- the student's internship page -------------------------------------------------------------


class StudentInternshipsView(RecordsViewMixin, StudentMixin, TemplateView):
    allowed_roles = LEARNING_TEAM
    record_area = Area.INTERNSHIP
    template_name = "internships/pipeline/student_internships.html"

    def get_context_data(self, **kwargs):
        student = self.get_student()
        return super().get_context_data(
            **selectors.student_page(student),
            can_propose=may_propose(self.request.user, student),
            **kwargs,
        )


class ExplorationCreateView(StudentMixin, ServiceFormMixin, FormView):
    allowed_roles = STUDENT_AND_STAFF
    form_class = ExplorationForm
    template_name = "internships/pipeline/exploration_form.html"
    success_message = _("The exploration is logged.")

    def students(self):
        return selectors.students_proposable_by(self.request.user)

    def get_initial(self):
        return {"on": self.get_student().school.today()}

    def get_form_kwargs(self):
        sites = selectors.exploration_sites(self.get_student(), self.request.user)
        return {**super().get_form_kwargs(), "sites": sites}

    def perform(self, form):
        return visits.exploration_log(
            student=self.get_student(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return student_page_url(self.get_student())


def student_page_url(student: Student) -> str:
    return reverse("internships:student-internships", kwargs={"pk": student.pk})


# --- the proposal and its agreement ------------------------------------------------------------


class AgreementFormMixin(ServiceFormMixin):
    form_class = PlacementForm
    template_name = "internships/pipeline/placement_form.html"

    def agreement_student(self) -> Student:
        raise NotImplementedError

    def get_form_kwargs(self):
        student, user = self.agreement_student(), self.request.user
        return {
            **super().get_form_kwargs(),
            "sites": selectors.placement_sites(student, user),
            "mentors": selectors.placement_mentors(student, user),
            "opportunities": selectors.placement_opportunities(student, user),
            "plan_items": selectors.plan_item_choices(student),
        }

    def get_context_data(self, **kwargs):
        kwargs.setdefault("placement", None)
        kwargs.setdefault("student", self.agreement_student())
        return super().get_context_data(**kwargs)


class PlacementProposeView(StudentMixin, AgreementFormMixin, FormView):
    allowed_roles = STUDENT_AND_STAFF
    success_message = _("The internship is proposed. The advisor will review it.")

    def students(self):
        return selectors.students_proposable_by(self.request.user)

    def agreement_student(self) -> Student:
        return self.get_student()

    def get_initial(self):
        opportunity = self.request.GET.get("opportunity", "")
        if not (opportunity.isascii() and opportunity.isdigit()):
            return {}
        found = selectors.placement_opportunities(self.get_student(), self.request.user)
        found = found.filter(pk=opportunity).first()
        if found is None:
            return {}
        return {"opportunity": found, "site": found.site, "mentor": found.mentor}

    def perform(self, form):
        return services.placement_propose(
            student=self.get_student(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class PlacementUpdateView(PlacementMixin, AgreementFormMixin, FormView):
    allowed_roles = STUDENT_AND_STAFF
    success_message = _("The agreement is saved.")

    def placements(self):
        return selectors.placements_editable_by(self.request.user)

    def agreement_student(self) -> Student:
        return self.get_placement().student

    def get(self, request, *args, **kwargs):
        if self.get_placement().status not in Placement.EDITABLE:
            messages.error(
                request, _("The family consented to this agreement, so it can no longer change.")
            )
            return redirect(self.get_placement())
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return PlacementForm.initial_from(self.get_placement())

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.helper.inputs[0].value = _("Save the agreement")
        return form

    def perform(self, form):
        return services.placement_update(
            placement=self.get_placement(), by=self.request.user, **form.cleaned_data
        )


# --- the placement and its steps ---------------------------------------------------------------


class PlacementDetailView(RecordsViewMixin, PlacementMixin, TemplateView):
    allowed_roles = INTERNSHIP_TEAM
    template_name = "internships/pipeline/placement_detail.html"
    record_area = Area.INTERNSHIP

    def recorded_student(self):
        return self.get_placement().student

    def get_placement(self) -> Placement:
        # One prepared read: the columns the page shows, within visible_to's reach.
        if not hasattr(self, "placement"):
            self.placement = selectors.placement_in_reach(self.request.user, self.kwargs["pk"])
            if self.placement is None:
                raise Http404("No Placement matches the given query.")
        return self.placement

    def get_context_data(self, **kwargs):
        placement, user = self.get_placement(), self.request.user
        page = selectors.placement_page(placement, user)
        return super().get_context_data(**page, **kwargs)


class ObjectFirstMixin:
    """Fetch the placement (a 404 when out of reach) before the method is looked at."""

    def dispatch(self, request, *args, **kwargs):
        self.get_placement()
        return super().dispatch(request, *args, **kwargs)


class PlacementStepView(PlacementMixin, ObjectFirstMixin, View):
    """POST: take one step of the pipeline (``step`` and an optional ``note``)."""

    allowed_roles = INTERNSHIP_TEAM

    def post(self, request, *args, **kwargs):
        form = StepForm(request.POST)
        placement = self.get_placement()
        if not form.is_valid():
            messages.error(request, _("There is no such step."))
            return redirect(placement)
        step = form.cleaned_data["step"]
        try:
            services.placement_step(
                placement=placement, by=request.user, step=step, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, STEP_MESSAGES[step])
        return redirect(placement)


# --- the family's answer other than consent ---------------------------------------------------


class FamilyAnswerMixin(PlacementMixin, ServiceFormMixin):
    """A guardian's answer to a consent request (only the student's own guardians reach the
    placement: others' is a 404), while the internship waits for it."""

    allowed_roles = {GUARDIAN}
    template_name = "internships/pipeline/consent_answer.html"

    def get(self, request, *args, **kwargs):
        if self.get_placement().status != Placement.Status.APPROVED:
            messages.info(request, _("This internship is not waiting for the family's consent."))
            return redirect(self.get_placement())
        return super().get(request, *args, **kwargs)


class ConsentDeclineView(FamilyAnswerMixin, FormView):
    form_class = ConsentDeclineForm
    success_message = _("Your answer is recorded: the advisor is told why you do not consent.")
    extra_context = {"answer": "decline"}

    def perform(self, form):
        return services.placement_decline(
            placement=self.get_placement(), by=self.request.user, **form.cleaned_data
        )


class ConsentQuestionView(FamilyAnswerMixin, FormView):
    form_class = ConsentQuestionForm
    success_message = _("Your question is sent to the advisor. You can consent once answered.")
    extra_context = {"answer": "question"}

    def perform(self, form):
        return services.placement_ask(
            placement=self.get_placement(), by=self.request.user, **form.cleaned_data
        )


# --- site visits and evaluations ---------------------------------------------------------------


class VisitCreateView(PlacementMixin, ServiceFormMixin, FormView):
    allowed_roles = STAFF
    form_class = VisitForm
    template_name = "internships/pipeline/visit_form.html"
    success_message = _("The site visit is recorded.")

    def placements(self):
        return Placement.objects.led_by(self.request.user)

    def get_initial(self):
        return {"on": self.get_placement().student.school.today()}

    def perform(self, form):
        return visits.visit_record(
            placement=self.get_placement(), by=self.request.user, **form.cleaned_data
        )


class EvaluationWriteView(PlacementMixin, ServiceFormMixin, FormView):
    allowed_roles = {MENTOR}
    form_class = EvaluationForm
    template_name = "internships/pipeline/evaluation_form.html"
    success_message = _("The evaluation is saved. The student and the advisor can read it.")

    def placements(self):
        return Placement.objects.mentored_by(self.request.user)

    def get_semester(self) -> int:
        value = self.request.GET.get("semester")
        if value is None:
            return selectors.current_semester(self.get_placement())
        if value not in {str(choice) for choice in Evaluation.Semester.values}:
            raise Http404("No such semester.")
        return int(value)

    def get_initial(self):
        evaluation = selectors.evaluation_for(self.get_placement(), self.get_semester())
        seen = {"seen": visits.evaluation_version(evaluation)}
        if evaluation is None:
            return seen
        text = {"strengths": evaluation.strengths, "next_steps": evaluation.next_steps}
        return {**evaluation.ratings, **text, **seen}

    def get_context_data(self, **kwargs):
        semester = self.get_semester()
        return super().get_context_data(
            semester=semester,
            semester_label=Evaluation.Semester(semester).label,
            started=self.get_placement().status in Placement.STARTED,
            **kwargs,
        )

    def perform(self, form):
        try:
            return visits.evaluation_write(
                placement=self.get_placement(),
                by=self.request.user,
                semester=self.get_semester(),
                ratings=form.ratings(),
                seen=form.cleaned_data["seen"] or None,
                **form.text(),
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "changed":  # the mentor now knows: may save again
                form.data = form.data.copy()
                form.data["seen"] = self.get_initial()["seen"]
            raise

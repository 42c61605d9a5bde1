"""Assessment pages: each term's narratives (the student's and the advisor's), exhibitions
with their panel, the panelists' feedback, and the result (a gateway's outcome included)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView, View

from bigpicture.access import (
    INTERNSHIP_TEAM,
    LEARNING_TEAM,
    STAFF,
    STUDENT_AND_STAFF,
    RoleRequiredMixin,
)
from bigpicture.mixins import RecordsViewMixin, ServiceFormMixin
from bigpicture.models import Term
from bigpicture.records import Area
from bigpicture.selectors import current_term
from students.forms.assessment import (
    ExhibitionForm,
    ExhibitionResultForm,
    ExhibitionUpdateForm,
    FeedbackForm,
    NarrativeCreateForm,
    NarrativeForm,
)
from students.models import (
    Exhibition,
    Narrative,
    Panelist,
    Student,
    may_give_feedback,
    may_write_narrative,
)
from students.selectors import assessment as selectors
from students.selectors import plans as plan_selectors
from students.services import assessment as services
from students.views.mixins import StudentMixin


class ObjectFirstMixin:
    """Fetch the object (a 404 when out of reach) before the method is even looked at."""

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)


# --- narratives --------------------------------------------------------------------------------


class NarrativeListView(RecordsViewMixin, StudentMixin, TemplateView):
    allowed_roles = LEARNING_TEAM
    record_area = Area.NARRATIVE
    template_name = "students/assessment/narrative_list.html"

    def get_context_data(self, **kwargs):
        student, user = self.get_student(), self.request.user
        return super().get_context_data(
            terms=selectors.narrative_list(user, student),
            **selectors.narrative_actions(user, student),
            **kwargs,
        )


class NarrativeCreateView(StudentMixin, ServiceFormMixin, FormView):
    """A new narrative; a term that has this one already opens it to edit, never a blank
    form over it."""

    allowed_roles = STUDENT_AND_STAFF
    form_class = NarrativeCreateForm
    template_name = "students/assessment/narrative_form.html"
    success_message = _("The narrative is saved.")
    existing: Narrative | None = None

    def get_kind(self) -> str:
        default = Narrative.Kind.STUDENT if self.request.user.is_student else Narrative.Kind.ADVISOR
        kind = self.request.GET.get("kind") or default
        if kind not in Narrative.Kind.values:
            raise Http404("No such kind of narrative.")
        return kind

    def students(self):
        user = self.request.user
        if self.get_kind() == Narrative.Kind.STUDENT:
            return Student.objects.filter(user_id=user.pk)
        return Student.objects.led_by(user)

    def written(self):
        """This student's narratives of this kind, one per term at most."""
        return Narrative.objects.filter(student=self.get_student(), kind=self.get_kind())

    def get_term(self) -> Term | None:
        """The term asked for (``?term=``) among those begun, else the current term once
        begun, else the latest begun: the one the form is opened for."""
        if not hasattr(self, "term"):
            school = self.get_student().school
            terms = selectors.narrative_terms(school)
            asked = self.request.GET.get("term", "")
            term = terms.filter(pk=asked).first() if asked.isascii() and asked.isdigit() else None
            if term is None:
                current = current_term(school)
                begun = current is not None and current.start_date <= school.today()
                term = current if begun else terms.first()
            self.term = term
        return self.term

    def get(self, request, *args, **kwargs):
        term = self.get_term()
        narrative = self.written().filter(term=term).first() if term else None
        if narrative is not None:
            messages.info(
                request,
                _("%(kind)s for %(term)s is already started: here it is to edit.")
                % {"kind": narrative.kind_label, "term": term},
            )
            return redirect("students:narrative-update", pk=narrative.pk)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"term": self.get_term()}

    def get_form_kwargs(self):
        terms = selectors.narrative_terms(self.get_student().school)
        if self.request.method == "GET":
            # Offer only the terms still without this narrative; a POST is checked against
            # every term begun, so one written meanwhile is refused by name, not as unknown.
            terms = terms.exclude(pk__in=self.written().values("term_id"))
        return {**super().get_form_kwargs(), "terms": terms}

    def get_context_data(self, **kwargs):
        kind_label = Narrative.Kind(self.get_kind()).label
        term = self.get_term()
        # the term's plan and its evidence, beside the editor, to write from
        term_plan = plan_selectors.term_plan(self.get_student().pk, term.pk) if term else None
        return super().get_context_data(
            kind_label=kind_label,
            existing=self.existing,
            term_plan=term_plan,
            plan_term=term,
            **kwargs,
        )

    def perform(self, form):
        term = form.cleaned_data["term"]
        try:
            return services.narrative_create(
                student=self.get_student(),
                term=term,
                kind=self.get_kind(),
                by=self.request.user,
                sections=form.sections(),
            )
        except ValidationError:
            # Started meanwhile (another tab, another person): point to it, keep the text.
            self.existing = self.written().filter(term=term).first()
            raise

    def get_success_url(self):
        return self.result.get_absolute_url()


class NarrativeDetailView(RecordsViewMixin, RoleRequiredMixin, DetailView):
    allowed_roles = LEARNING_TEAM
    template_name = "students/assessment/narrative_detail.html"
    context_object_name = "narrative"
    record_area = Area.NARRATIVE

    def recorded_student(self):
        return self.object.student

    def get_queryset(self):
        return Narrative.objects.visible_to(self.request.user).select_related(
            "student__user", "term__school_year", "author"
        )

    def get_context_data(self, **kwargs):
        user, narrative = self.request.user, self.object
        return super().get_context_data(
            student=narrative.student,
            sections=selectors.narrative_sections(narrative),
            can_edit=may_write_narrative(user, narrative.student, narrative.kind),
            can_publish=selectors.narratives_publishable_by(user).filter(pk=narrative.pk).exists(),
            **kwargs,
        )


class NarrativeUpdateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = STUDENT_AND_STAFF
    form_class = NarrativeForm
    template_name = "students/assessment/narrative_form.html"
    success_message = _("The narrative is saved.")
    changed = False

    def get_narrative(self) -> Narrative:
        if not hasattr(self, "narrative"):
            narratives = selectors.narratives_editable_by(self.request.user).select_related(
                "student__user", "student__school", "term__school_year"
            )
            self.narrative = get_object_or_404(narratives, pk=self.kwargs["pk"])
        return self.narrative

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "sections": self.get_narrative().sections}

    def get_initial(self):
        return {"seen": services.narrative_version(self.get_narrative())}

    def get_context_data(self, **kwargs):
        narrative = self.get_narrative()
        return super().get_context_data(
            narrative=narrative,
            student=narrative.student,
            kind_label=narrative.kind_label,
            saved_sections=selectors.narrative_sections(narrative) if self.changed else None,
            term_plan=plan_selectors.term_plan(narrative.student_id, narrative.term_id),
            plan_term=narrative.term,
            **kwargs,
        )

    def perform(self, form):
        narrative, seen = self.get_narrative(), form.cleaned_data["seen"]
        try:
            return services.narrative_update(
                narrative=narrative,
                by=self.request.user,
                sections=form.sections(),
                seen=seen or None,
            )
        except ValidationError:
            if seen and seen != services.narrative_version(narrative):  # saved since opened
                # The writer now sees the saved version: saving again is their choice.
                form.data = form.data.copy()
                form.data["seen"] = services.narrative_version(narrative)
                self.changed = True
            raise

    def get_success_url(self):
        return self.get_narrative().get_absolute_url()


class NarrativePublishView(RoleRequiredMixin, ObjectFirstMixin, View):
    """POST: publish the advisor's narrative to the family (``action=unpublish`` takes it back)."""

    allowed_roles = STAFF

    def get_object(self) -> Narrative:
        narratives = selectors.narratives_publishable_by(self.request.user)
        return get_object_or_404(narratives.select_related("student__user", "term"), **self.kwargs)

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "unpublish":
            services.narrative_unpublish(narrative=self.object, by=request.user)
            messages.success(request, _("The narrative is no longer shown to the family."))
        else:
            services.narrative_publish(narrative=self.object, by=request.user)
            messages.success(request, _("The narrative is published to the family."))
        return redirect(self.object)


# --- exhibitions -------------------------------------------------------------------------------


class ExhibitionListView(RecordsViewMixin, StudentMixin, TemplateView):
    allowed_roles = LEARNING_TEAM
    record_area = Area.EXHIBITION
    template_name = "students/assessment/exhibition_list.html"

    def get_context_data(self, **kwargs):
        student, user = self.get_student(), self.request.user
        return super().get_context_data(
            exhibitions=selectors.exhibition_list(user, student),
            can_schedule=student.is_led_by(user),
            **kwargs,
        )


class ExhibitionFormMixin(ServiceFormMixin):
    """The exhibition form, its choices drawn from the student's plan, family and school."""

    template_name = "students/assessment/exhibition_form.html"
    success_message = _("The exhibition is saved.")

    def exhibition(self) -> Exhibition | None:
        return None

    def get_form_kwargs(self):
        student, exhibition = self.get_student(), self.exhibition()
        return {
            **super().get_form_kwargs(),
            "work": selectors.work_choices(student, exhibition),
            "guardians": selectors.guardian_choices(student),
            "mentors": selectors.mentor_choices(student),
            "peers": selectors.peer_choices(student),
        }

    def get_success_url(self):
        return self.result.get_absolute_url()


class ExhibitionCreateView(StudentMixin, ExhibitionFormMixin, FormView):
    allowed_roles = STAFF
    form_class = ExhibitionForm

    def students(self):
        return Student.objects.led_by(self.request.user)

    def get_initial(self):
        return {"guardians": list(selectors.guardian_choices(self.get_student()))}

    def perform(self, form):
        return services.exhibition_schedule(
            student=self.get_student(), by=self.request.user, **form.cleaned_data
        )


class ExhibitionMixin(RoleRequiredMixin):
    """Pages about one exhibition, fetched through the queryset named by ``reach``."""

    reach = "visible_to"

    def get_object(self) -> Exhibition:
        if not hasattr(self, "object"):
            exhibitions = getattr(Exhibition.objects, self.reach)(self.request.user)
            exhibitions = selectors.for_exhibition_page(exhibitions)
            self.object = get_object_or_404(exhibitions, pk=self.kwargs["pk"])
        return self.object

    def get_student(self) -> Student:
        return self.get_object().student

    def get_context_data(self, **kwargs):
        exhibition = self.get_object()
        return super().get_context_data(exhibition=exhibition, student=exhibition.student, **kwargs)

    def get_success_url(self):
        return self.get_object().get_absolute_url()


class ExhibitionDetailView(RecordsViewMixin, ExhibitionMixin, TemplateView):
    allowed_roles = INTERNSHIP_TEAM  # the learning team, and the student's mentor on the panel
    record_area = Area.EXHIBITION
    template_name = "students/assessment/exhibition_detail.html"

    def get_context_data(self, **kwargs):
        detail = selectors.exhibition_detail(self.request.user, self.get_object())
        return super().get_context_data(**detail, **kwargs)


class ExhibitionUpdateView(ExhibitionMixin, ExhibitionFormMixin, FormView):
    allowed_roles = STAFF
    reach = "editable_by"
    form_class = ExhibitionUpdateForm

    def exhibition(self) -> Exhibition:
        return self.get_object()

    def get_initial(self):
        exhibition = self.get_object()
        return {
            "title": exhibition.title,
            "starts_at": exhibition.starts_at,
            "duration": exhibition.duration,
            "room": exhibition.room,
            "gateway": exhibition.gateway,
            **selectors.panel_initial(exhibition),
        }

    def perform(self, form):
        return services.exhibition_update(
            exhibition=self.get_object(), by=self.request.user, **form.cleaned_data
        )


class ExhibitionFeedbackView(ExhibitionMixin, ServiceFormMixin, FormView):
    """A panelist's own rubric; the advisor records an outside adult's (``?panelist=<id>``)."""

    allowed_roles = INTERNSHIP_TEAM
    form_class = FeedbackForm
    template_name = "students/assessment/feedback_form.html"
    success_message = _("The feedback is saved.")

    def get_panelist(self) -> Panelist:
        if not hasattr(self, "panelist"):
            exhibition, user = self.get_object(), self.request.user
            chosen = self.request.GET.get("panelist", "")
            panel = exhibition.panelists.all()
            if chosen:
                panelist = next((p for p in panel if str(p.pk) == chosen), None)
            else:
                panelist = next((p for p in panel if p.person_id == user.pk), None)
            if panelist is None:
                raise Http404("Not on this panel.")
            if not may_give_feedback(user, exhibition, panelist):
                raise PermissionDenied
            self.panelist = panelist
        return self.panelist

    def get_form_kwargs(self):
        feedback = selectors.feedback_view(self.get_panelist())["feedback"]
        return {**super().get_form_kwargs(), "feedback": feedback}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            panelist=self.get_panelist(),
            not_yet=timezone.now() < self.get_object().starts_at,
            **kwargs,
        )

    def perform(self, form):
        return services.feedback_record(
            exhibition=self.get_object(),
            panelist=self.get_panelist(),
            by=self.request.user,
            ratings=form.ratings(),
            strengths=form.cleaned_data["strengths"],
            suggestions=form.cleaned_data["suggestions"],
        )


class ExhibitionResultView(ExhibitionMixin, ServiceFormMixin, FormView):
    allowed_roles = STAFF
    reach = "editable_by"
    form_class = ExhibitionResultForm
    template_name = "students/assessment/exhibition_result.html"
    success_message = _("The result is recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "gateway": bool(self.get_object().gateway)}

    def get_initial(self):
        exhibition = self.get_object()
        return {"summary": exhibition.summary, "outcome": exhibition.outcome}

    def get_context_data(self, **kwargs):
        not_yet = timezone.now() < self.get_object().starts_at
        return super().get_context_data(not_yet=not_yet, **kwargs)

    def perform(self, form):
        return services.exhibition_result(
            exhibition=self.get_object(), by=self.request.user, **form.cleaned_data
        )

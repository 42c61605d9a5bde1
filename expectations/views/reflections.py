"""The term reflection page: a student, a family or the advisor rates how well school met
each expectation this term, until the due date; an admin reads what was written."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from bigpicture.access import LEARNING_TEAM
from bigpicture.links import link
from bigpicture.mixins import RecordsViewMixin, ServiceFormMixin
from bigpicture.models import Term
from bigpicture.records import Area
from bigpicture.selectors import current_term
from expectations.forms.reflections import ReflectionForm
from expectations.selectors.reflections import SCALE, ReflectionState, reflection_state
from expectations.services.reflections import (
    locked_message,
    reflection_save,
    reflection_version,
)
from students.views.mixins import StudentMixin


class ReflectionView(RecordsViewMixin, StudentMixin, ServiceFormMixin, FormView):
    """A person's reflection on a student's term (the current one, or the one in the URL)."""

    allowed_roles = LEARNING_TEAM
    record_area = Area.REFLECTION
    form_class = ReflectionForm
    template_name = "expectations/reflection_form.html"
    changed = False  # a save refused: the reflection was saved since the form was opened

    def get_term(self) -> Term | None:
        """The term in the URL, else the school's current one (None: it has none yet)."""
        if not hasattr(self, "term"):
            student = self.get_student()
            if "term" not in self.kwargs:
                self.term = current_term(student.school)
            else:
                terms = Term.objects.of_school(student.school_id).select_related("school_year")
                self.term = get_object_or_404(terms, pk=self.kwargs["term"])
        return self.term

    def without_term(self):
        """A school with no term yet (just opened): a page that says so, not a dead link."""
        context = {"student": self.get_student()}
        return render(self.request, "expectations/reflection_no_term.html", context)

    def get(self, request, *args, **kwargs):
        if self.get_term() is None:
            return self.without_term()
        return super().get(request, *args, **kwargs)

    def get_state(self) -> ReflectionState:
        if not hasattr(self, "state"):
            self.state = reflection_state(self.get_student(), self.get_term(), self.request.user)
        return self.state

    def get_form_kwargs(self):
        state = self.get_state()
        return {
            **super().get_form_kwargs(),
            "questions": state.questions,
            "sharing": state.perspective == "student",
            "ratings": state.ratings,
        }

    def get_initial(self):
        return {"seen": reflection_version(self.get_state().reflection)}

    def post(self, request, *args, **kwargs):
        if self.get_term() is None:
            return self.without_term()
        state = self.get_state()
        if state.perspective is None:
            raise PermissionDenied
        if state.locked:
            messages.error(request, locked_message(state.due))
            return redirect(self.get_success_url())
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        state, seen = self.get_state(), form.cleaned_data["seen"]
        try:
            return reflection_save(
                student=state.student,
                term=state.term,
                by=self.request.user,
                answers=form.answers(),
                seen=seen or None,
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "changed":
                # The page now shows the saved answers beside the typed ones (the state was
                # read with this request): saving again replaces them on purpose.
                form.data = form.data.copy()
                form.data["seen"] = reflection_version(state.reflection)
                self.changed = True
            raise

    def form_valid(self, form):
        self.success_message = _("Saved. You can come back and change it until %(date)s.") % {
            "date": formats.date_format(self.get_state().due)
        }
        return super().form_valid(form)

    def get_success_url(self):
        state = self.get_state()
        return f"{link('expectations:reflection', state.student.pk)}{state.term.pk}/"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            state=self.get_state(), scale=SCALE, changed=self.changed, **kwargs
        )


urlpatterns = [
    path("students/<int:pk>/reflection/", ReflectionView.as_view(), name="reflection"),
    path(
        "students/<int:pk>/reflection/<int:term>/",
        ReflectionView.as_view(),
        name="reflection-term",
    ),
]

"""Tagging a goal, project, internship or exhibition with the expectations it serves."""

from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from bigpicture.access import STUDENT_AND_STAFF, RoleRequiredMixin
from bigpicture.mixins import ServiceFormMixin
from expectations.forms.tags import TagForm
from expectations.selectors import tags as selectors
from expectations.selectors.catalog import wordings
from expectations.services.tags import set_tags


class TagsView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """The expectations a piece of work serves: the student or their advisor chooses them."""

    allowed_roles = STUDENT_AND_STAFF
    form_class = TagForm
    template_name = "expectations/tag_form.html"
    success_message = _("The expectations this work serves are saved.")

    def get_work(self):
        if not hasattr(self, "work"):
            kind, pk = self.kwargs["kind"], self.kwargs["pk"]
            self.work = selectors.work_of(self.request.user, kind, pk)
            if self.work is None:
                raise Http404("No such work within reach.")
            self.student = self.work.plan.student if kind == "item" else self.work.student
            self.current = selectors.tag_ids(self.work)
            self.words = wordings(self.student.school_id)
        return self.work

    def get_words(self):
        self.get_work()
        return self.words

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "words": self.get_words()}

    def get_initial(self):
        self.get_work()
        return {"expectations": self.current}

    def perform(self, form):
        return set_tags(
            work=self.get_work(),
            expectations=form.cleaned_data["expectations"],
            by=self.request.user,
        )

    def get_success_url(self):
        return reverse("expectations:profile", args=[self.student.pk])

    def get_context_data(self, **kwargs):
        work, kind = self.get_work(), self.kwargs["kind"]
        chosen = set(self.current)
        return super().get_context_data(
            work=work,
            kind_label=work.kind_label if kind == "item" else selectors.KIND_LABELS[kind],
            title=work.project if kind == "internship" else work.title,
            student=self.student,
            chosen=[wording for wording in self.get_words() if wording.pk in chosen],
            words=self.get_words(),
            **kwargs,
        )


urlpatterns = [
    path("tags/<str:kind>/<int:pk>/", TagsView.as_view(), name="tags"),
]

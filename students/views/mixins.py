"""The one way a page fetches the student of its URL."""

from django.shortcuts import get_object_or_404

from bigpicture.access import RoleRequiredMixin
from students.models import Student


class StudentMixin(RoleRequiredMixin):
    """A page about one student (``pk`` in the URL), fetched through ``students()``: the
    students the person may see unless a page narrows it, so one out of reach is a 404."""

    def students(self):
        return Student.objects.visible_to(self.request.user)

    def get_student(self) -> Student:
        if not hasattr(self, "student"):
            students = self.students().select_related("user", "school")
            self.student = get_object_or_404(students, pk=self.kwargs["pk"])
        return self.student

    def get_context_data(self, **kwargs):
        kwargs.setdefault("student", self.get_student())
        return super().get_context_data(**kwargs)

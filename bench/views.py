"""The benchmark's own pages, which the app's pages are measured against.

- **The floor page**: a signed-in page that renders only the base layout (the navigation,
  the messages, the footer) with an empty content block. No app page can cost less: what it
  costs is the session, the person, the middleware and the layout.
- **The lean reference page**: a page as an app page should be written, the cheap way: eight
  queries, each using an index (the school, the current year and term, two counts, a 50-row
  page of students with the person joined, their advisories and their internships), and a
  50-row table rendered with one URL prefix and plain values per row. An app page that costs
  more CPU than this one does more than it needs to.

Both are login-required, as every app page is (``LoginRequiredMiddleware``), and are opened
by the admin.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from advisories.models import Advisory, Membership
from bigpicture.models import School, SchoolYear, Term
from internships.models import Placement
from students.models import Student

PAGE_SIZE = 50


@login_not_required
def trivial(request):
    """A view that does nothing: the server is up."""
    return HttpResponse("ok", content_type="text/plain")


def floor(request):
    return render(request, "bench/floor.html")


def lean(request):
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    offset = (page - 1) * PAGE_SIZE
    school = School.objects.get(pk=request.user.school_id)  # 1: primary key
    today = school.today()
    year = SchoolYear.objects.filter(  # 2: school year by school
        school=school, start_date__lte=today, end_date__gte=today
    ).first()
    term = Term.objects.filter(  # 3: term by school year
        school_year_id=year.pk if year else None, start_date__lte=today, end_date__gte=today
    ).first()
    total = Student.objects.filter(school=school).count()  # 4: students by school
    advisories = Advisory.objects.filter(school=school).count()  # 5: advisories by school
    students = list(  # 6: a page of people by (school, last name, first name, id)
        Student.objects.filter(user__school=school, school=school)
        .order_by("user__last_name", "user__first_name", "user__id")
        .values_list(
            "pk",
            "graduating_class",
            "preferred_name",
            "user__first_name",
            "user__last_name",
            "user__email",
        )[offset : offset + PAGE_SIZE]
    )
    ids = [row[0] for row in students]
    advisory_of = dict(  # 7: memberships by student
        Membership.objects.filter(student_id__in=ids, end_date=None).values_list(
            "student_id", "advisory__name"
        )
    )
    internship_of = dict(  # 8: placements by student
        Placement.objects.filter(student_id__in=ids, status=Placement.Status.ACTIVE).values_list(
            "student_id", "project"
        )
    )
    rows = [
        {
            "pk": pk,
            "name": f"{preferred or first} {last}",
            "email": email,
            "level": year.year_level(graduating) if year else None,
            "advisory": advisory_of.get(pk, ""),
            "internship": internship_of.get(pk, ""),
        }
        for pk, graduating, preferred, first, last, email in students
    ]
    return render(
        request,
        "bench/lean.html",
        {
            "school": school,
            "year": year,
            "term": term,
            "total": total,
            "advisories": advisories,
            "rows": rows,
            "page": page,
            "student_prefix": reverse("students:student-list"),  # /students/<pk>/ per row
        },
    )

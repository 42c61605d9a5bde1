"""Reminder rules about the directory: a site a student proposed, mentors' background checks
running out."""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigpicture import notifications
from bigpicture.models import School
from bigpicture.notifications.rules import Draft, Rule, register
from bigpicture.selectors import school_admin_ids
from internships.models import CareerCluster, Mentor, Placement, Site


def notify_site_proposed(site: Site, why: str) -> None:
    """Tell the school's admins that a student proposed a new site."""
    student = site.proposed_by.student_profile
    context = {
        "student": student.display_name,
        "organization": site.organization,
        "cluster_code": site.cluster,
        "why": why,
        "path": reverse("internships:site-detail", args=[site.pk]),
    }
    drafts = [
        Draft(
            recipient_id=admin,
            school_id=site.school_id,
            subject_key=f"site:{site.pk}",
            subject=site.organization,
            occasion="proposed",
            context=context,
        )
        for admin in school_admin_ids(site.school)
    ]
    notifications.record(SITE_PROPOSED, drafts)


def checks_expiring(school: School, today: date, days: int) -> list[Draft]:
    """Each mentor whose cleared check runs out within ``days`` days (or has run out while
    they still mentor an active internship), once per expiry date, to every admin."""
    admins = school_admin_ids(school)
    if not admins:
        return []
    interning = Placement.objects.filter(mentor=OuterRef("pk"), status=Placement.Status.ACTIVE)
    mentors = (
        Mentor.objects.filter(
            site__school=school,
            user__is_active=True,
            background_check=Mentor.Check.CLEARED,
            check_expires_on__lte=today + timedelta(days=days),
        )
        .filter(Q(check_expires_on__gte=today) | Exists(interning))
        .select_related("user", "site")
        .order_by("check_expires_on", "pk")
    )
    drafts = []
    for mentor in mentors:
        context = {
            "mentor": str(mentor),
            "site": mentor.site.organization,
            "expires_on": mentor.check_expires_on.isoformat(),
            "expired": mentor.check_expires_on < today,
            "path": reverse("internships:mentor-update", args=[mentor.pk]),
        }
        drafts += [
            Draft(
                recipient_id=admin,
                school_id=school.pk,
                subject_key=f"mentor:{mentor.pk}",
                subject=str(mentor),
                occasion=f"expires-{mentor.check_expires_on.isoformat()}",
                context=context,
            )
            for admin in admins
        ]
    return drafts


def cluster_in_reader_language(notification) -> dict:
    """The career cluster's name, in the language of the admin reading the email."""
    code = notification.context.get("cluster_code", "")
    return {"cluster": str(CareerCluster(code).label) if code in CareerCluster.values else ""}


SITE_PROPOSED = register(
    Rule(
        key="site_proposed",
        kind="school",
        label=_("Internship site proposed by a student"),
        description=_("Admins hear when a student proposes a new internship site."),
        live_context=cluster_in_reader_language,
    )
)
MENTOR_CHECK_EXPIRING = register(
    Rule(
        key="mentor_check_expiring",
        kind="school",
        label=_("Mentor's background check running out"),
        description=_(
            "Admins hear of a mentor whose background check expires soon, or has expired "
            "while they still have an intern."
        ),
        days_label=_("Days before the expiry date"),
        default_days=30,
        scan=checks_expiring,
    )
)

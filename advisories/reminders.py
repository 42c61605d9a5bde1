"""Reminder rules over advisories: an advisory holding more students than its capacity."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from advisories.models import Advisory
from bigpicture.models import School
from bigpicture.notifications.rules import Draft, Rule, register
from bigpicture.selectors import school_admin_ids


def crowded_advisories(school: School, today: date, days: int) -> list[Draft]:
    """Every advisory over capacity, to every admin, again every ``days`` days while it lasts."""
    admins = school_admin_ids(school)
    every = max(days or 1, 1)
    period = f"every-{every}-days-{today.toordinal() // every}"
    advisories = Advisory.objects.filter(school=school).over_capacity().select_related("advisor")
    return [
        Draft(
            recipient_id=admin,
            school_id=school.pk,
            subject_key=f"advisory:{advisory.pk}",
            subject=advisory.name,
            occasion=period,
            context={
                "advisory": advisory.name,
                "advisor": advisory.advisor.get_full_name(),
                "size": advisory.size,
                "capacity": advisory.limit,
                "path": advisory.get_absolute_url(),
            },
        )
        for advisory in advisories
        for admin in admins
    ]


ADVISORY_OVER_CAPACITY = register(
    Rule(
        key="advisory_over_capacity",
        kind="school",
        label=_("Advisory over capacity"),
        description=_("Admins hear of an advisory holding more students than its capacity."),
        days_label=_("Days between reminders while it stays over capacity"),
        default_days=7,
        scan=crowded_advisories,
    )
)

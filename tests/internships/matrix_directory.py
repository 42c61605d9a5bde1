"""Access matrix cases for the directory pages (see tests/bigpicture/test_access_matrix.py)."""

from tests import factories
from tests.bigpicture.matrix import ADMINS, ADMINS_OF_ROW, EVERYONE, expect

STAFF = expect(admin=200, advisor=200, admin2=200)  # each school's staff, their own school
STAFF_OF_ROW = expect(admin=200, advisor=200, admin2=404)
SCHOOL = expect(
    admin=200, advisor=200, student=200, guardian=200, mentor=200, admin2=404, anonymous=302
)
OTHER_SCHOOL = expect(
    admin=404, advisor=404, student=404, guardian=404, mentor=404, admin2=200, anonymous=302
)


def _site(w):
    return w.mentor_profile.site


def _opportunity(w, **fields):
    return factories.OpportunityFactory(site=_site(w), mentor=w.mentor_profile, **fields).pk


def _other_school_opportunity(w):
    return factories.OpportunityFactory(site__school=w.school2).pk


def _proposed_opportunity(w):
    site = factories.SiteFactory(school=w.school, status="proposed", proposed_by=w.admin)
    return factories.OpportunityFactory(site=site, mentor=None).pk


CASES = [
    ("internships:site-list", None, STAFF),
    ("internships:site-create", None, ADMINS),
    ("internships:site-propose", None, expect(student=200)),
    ("internships:site-export", None, ADMINS),
    ("internships:site-detail", lambda w: {"pk": _site(w).pk}, STAFF_OF_ROW),
    ("internships:site-update", lambda w: {"pk": _site(w).pk}, ADMINS_OF_ROW),
    (
        "internships:site-update",
        lambda w: {"pk": factories.SiteFactory(school=w.school2).pk},
        expect(admin=404, admin2=200),
    ),
    ("internships:mentor-list", None, STAFF),
    ("internships:mentor-create", None, ADMINS),
    ("internships:mentor-export", None, ADMINS),
    ("internships:mentor-detail", lambda w: {"pk": w.mentor_profile.pk}, STAFF_OF_ROW),
    ("internships:mentor-update", lambda w: {"pk": w.mentor_profile.pk}, ADMINS_OF_ROW),
    (
        "internships:mentor-update",
        lambda w: {"pk": factories.MentorProfileFactory(site__school=w.school2).pk},
        expect(admin=404, admin2=200),
    ),
    ("internships:opportunity-list", None, EVERYONE),
    ("internships:opportunity-create", None, STAFF),
    ("internships:opportunity-detail", lambda w: {"pk": _opportunity(w)}, SCHOOL),
    (
        "internships:opportunity-detail",
        lambda w: {"pk": _other_school_opportunity(w)},
        OTHER_SCHOOL,
    ),
    # closed, or at a site not yet active: staff only
    (
        "internships:opportunity-detail",
        lambda w: {"pk": _opportunity(w, is_open=False)},
        expect(default=404, admin=200, advisor=200),
    ),
    (
        "internships:opportunity-detail",
        lambda w: {"pk": _proposed_opportunity(w)},
        expect(default=404, admin=200, advisor=200),
    ),
    ("internships:opportunity-update", lambda w: {"pk": _opportunity(w)}, STAFF_OF_ROW),
    (
        "internships:opportunity-update",
        lambda w: {"pk": _other_school_opportunity(w)},
        expect(admin=404, advisor=404, admin2=200),
    ),
]

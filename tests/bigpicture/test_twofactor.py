"""The second factor for staff: enrolment, the code step, recovery codes, resets, lockout."""

import base64
import re
import time
from binascii import unhexlify

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bigpicture.models import School, SecondFactorReset
from bigpicture.twofactor import services
from bigpicture.twofactor.selectors import second_factor_required
from bigpicture.twofactor.views import PENDING_SESSION_KEY
from tests import factories
from tests.factories import PASSWORD
from tests.test_security import INLINE_CODE

SETUP = reverse("twofactor:setup")
VERIFY = reverse("twofactor:verify")
HOME = reverse("bigpicture:home")


def code_for(key: bytes, steps_ahead: int = 0) -> str:
    """The authenticator app's code now (or some 30-second steps later), as a phone shows it."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def device_for(person) -> TOTPDevice:
    return TOTPDevice.objects.create(user=person, name="phone", confirmed=True)


def verify_session(client, device) -> None:
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def require(school, *, admins=True, advisors=False) -> None:
    School.objects.filter(pk=school.pk).update(
        second_factor_for_admins=admins, second_factor_for_advisors=advisors
    )


# --- who must use one -----------------------------------------------------------------------


def test_a_new_school_requires_it_of_admins_and_not_of_advisors():
    school = School(name="New", slug="new")
    assert school.second_factor_for_admins is True
    assert school.second_factor_for_advisors is False


def test_who_must_use_a_second_factor_follows_the_school_and_the_roles(world, settings):
    require(world.school, admins=True, advisors=False)
    for person in (world.admin, world.advisor, world.student.user, world.guardian, world.mentor):
        person.refresh_from_db()
    assert second_factor_required(world.admin)
    assert not second_factor_required(world.advisor)
    require(world.school, admins=False, advisors=True)
    world.admin.refresh_from_db()
    world.advisor.refresh_from_db()
    assert not second_factor_required(world.admin)
    assert second_factor_required(world.advisor)
    require(world.school, admins=True, advisors=True)
    for person in (world.student.user, world.guardian, world.mentor):
        person.refresh_from_db()
        assert not second_factor_required(person), "students, families, mentors are not asked"
    assert not second_factor_required(world.admin2), "another school's setting is its own"


def test_network_admins_follow_the_deployment_setting(db, settings):
    operator = factories.UserFactory(school=None, is_staff=True, is_superuser=True)
    settings.SECOND_FACTOR_FOR_NETWORK_ADMINS = True
    assert second_factor_required(operator)
    settings.SECOND_FACTOR_FOR_NETWORK_ADMINS = False
    assert not second_factor_required(operator)


# --- services -------------------------------------------------------------------------------


def test_enrolment_keeps_the_authenticator_and_makes_ten_single_use_recovery_codes(world):
    secret = services.new_secret()
    device, codes = services.totp_enrol(
        user=world.admin, secret=secret, code=code_for(unhexlify(secret))
    )
    assert device.confirmed and device.user == world.admin and device.key == secret
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = StaticToken.objects.filter(device__user=world.admin, device__confirmed=True)
    assert sorted(stored.values_list("token", flat=True)) == sorted(codes)


def test_enrolment_refuses_a_wrong_code_and_keeps_nothing(world):
    secret = services.new_secret()
    with pytest.raises(ValidationError):
        services.totp_enrol(user=world.admin, secret=secret, code="000000x")
    wrong = f"{(int(code_for(unhexlify(secret))) + 1) % 1_000_000:06d}"
    with pytest.raises(ValidationError):
        services.totp_enrol(user=world.admin, secret=secret, code=wrong)
    assert not TOTPDevice.objects.filter(user=world.admin).exists()
    assert not StaticDevice.objects.filter(user=world.admin).exists()


def test_enrolment_is_for_staff_and_happens_once(world):
    secret = services.new_secret()
    with pytest.raises(PermissionDenied):
        services.totp_enrol(
            user=world.student.user, secret=secret, code=code_for(unhexlify(secret))
        )
    services.totp_enrol(user=world.advisor, secret=secret, code=code_for(unhexlify(secret)))
    other = services.new_secret()
    with pytest.raises(ValidationError):
        services.totp_enrol(user=world.advisor, secret=other, code=code_for(unhexlify(other)))
    assert TOTPDevice.objects.filter(user=world.advisor).count() == 1


def test_a_code_signs_in_once_and_a_recovery_code_once(world):
    device = device_for(world.advisor)
    code = code_for(device.bin_key)
    assert services.code_check(user=world.advisor, code=code) == device
    assert services.code_check(user=world.advisor, code=code) is None, "a code is never replayed"
    assert services.code_check(user=world.admin, code=code_for(device.bin_key, 1)) is None

    codes = services.recovery_codes_renew(user=world.advisor)
    typed = f"  {codes[3][:4].upper()}-{codes[3][4:]} "  # as a person might type it
    assert services.code_check(user=world.advisor, code=typed) is not None
    assert services.code_check(user=world.advisor, code=codes[3]) is None
    assert StaticToken.objects.filter(device__user=world.advisor).count() == 9
    assert services.code_check(user=world.advisor, code="") is None


def test_an_admin_resets_a_lost_device_and_it_is_recorded(world):
    device_for(world.advisor)
    services.recovery_codes_renew(user=world.advisor)
    reset = services.second_factor_reset(person=world.advisor, by=world.admin)
    assert not TOTPDevice.objects.filter(user=world.advisor).exists()
    assert not StaticDevice.objects.filter(user=world.advisor).exists()
    assert (reset.school, reset.person, reset.by) == (world.school, world.advisor, world.admin)
    assert reset.at is not None
    assert list(SecondFactorReset.objects.visible_to(world.admin)) == [reset]
    assert list(SecondFactorReset.objects.visible_to(world.admin2)) == []


@pytest.mark.parametrize("who", ["admin2", "advisor", "other_advisor"])
def test_nobody_else_resets_a_device(world, who):
    device_for(world.advisor)
    with pytest.raises(PermissionDenied):
        services.second_factor_reset(person=world.advisor, by=getattr(world, who))
    assert TOTPDevice.objects.filter(user=world.advisor).exists()
    assert not SecondFactorReset.objects.exists()


# --- the pages ------------------------------------------------------------------------------


def test_an_admin_who_must_enrol_goes_nowhere_else_until_done(client, world):
    require(world.school)
    client.force_login(world.admin)
    for url in (HOME, reverse("bigpicture:person-list"), reverse("students:student-list")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{SETUP}?next={url.replace('/', '%2F')}"
    posted = client.post(reverse("bigpicture:preferences"), {"first_name": "X"})
    assert posted.status_code == 302 and posted.url.startswith(SETUP)
    assert client.get(reverse("password_reset")).status_code == 200, "public pages stay open"
    assert client.get(SETUP).status_code == 200
    assert client.post(reverse("logout")).status_code == 302, "signing out stays open"
    assert "_auth_user_id" not in client.session


def test_enrolment_shows_a_local_qr_code_and_the_key_then_the_codes_once(client, world):
    require(world.school)
    client.force_login(world.admin)
    page = client.get(SETUP, {"next": reverse("bigpicture:person-list")})
    html = page.content.decode()
    assert INLINE_CODE.search(html) is None
    assert "img-src 'self' data:" in page.headers["Content-Security-Policy"]
    qr = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert qr and base64.b64decode(qr.group(1)).startswith(b"<svg")
    key = re.search(r'id="second-factor-key">([A-Z2-7 ]+)<', html).group(1)
    secret = client.session[PENDING_SESSION_KEY]
    key = key.replace(" ", "")
    assert base64.b32decode(key + "=" * (-len(key) % 8)) == unhexlify(secret)

    wrong = client.post(SETUP + "?next=/people/", {"code": "123"})
    assert wrong.status_code == 200 and "does not match" in wrong.content.decode()

    done = client.post(SETUP + "?next=/people/", {"code": code_for(unhexlify(secret))})
    assert done.status_code == 302
    assert done.url == reverse("twofactor:recovery-codes") + "?next=%2Fpeople%2F"
    shown = client.get(done.url).content.decode()
    codes = re.findall(r'<code class="recovery-code">([a-z2-7]{8})</code>', shown)
    assert len(codes) == 10
    assert INLINE_CODE.search(shown) is None
    again = client.get(done.url).content.decode()
    assert "recovery-code" not in again and "10 unused recovery codes" in again
    assert client.get(HOME).status_code == 200, "the session is verified by the enrolment"
    assert client.get(SETUP).status_code == 302, "enrolled already"


def test_sign_in_asks_for_the_code_after_the_password(client, world):
    require(world.school)
    device = device_for(world.admin)
    response = sign_in(client, world.admin.email)
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    page = client.get(response.url)
    assert page.status_code == 200
    assert INLINE_CODE.search(page.content.decode()) is None
    wrong = client.post(response.url, {"code": "000000"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    assert client.get(HOME).status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code slowed the device down; wait it out
    device.save()
    right = client.post(response.url, {"code": code_for(device.bin_key)})
    assert right.status_code == 302 and right.url == HOME
    assert client.get(HOME).status_code == 200


def test_a_recovery_code_signs_in_in_place_of_the_phone(client, world):
    require(world.school)
    device_for(world.admin)
    codes = services.recovery_codes_renew(user=world.admin)
    sign_in(client, world.admin.email)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 302
    assert client.get(HOME).status_code == 200


def test_staff_with_a_device_verify_even_where_not_required(client, world):
    require(world.school, admins=False, advisors=False)
    device = device_for(world.advisor)
    sign_in(client, world.advisor.email)
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    client.post(VERIFY, {"code": code_for(device.bin_key)})
    assert client.get(HOME).status_code == 200


@pytest.mark.parametrize("role", ["student", "guardian", "mentor"])
def test_students_families_and_mentors_are_never_asked(client, world, role):
    require(world.school, admins=True, advisors=True)
    sign_in(client, world.person(role).email)
    assert client.get(HOME).status_code == 200
    assert client.get(SETUP).status_code == 403


def test_an_unsafe_next_address_is_ignored(client, world):
    require(world.school)
    device = device_for(world.admin)
    sign_in(client, world.admin.email)
    url = VERIFY + "?next=https://evil.example/"
    response = client.post(url, {"code": code_for(device.bin_key)})
    assert response.url == HOME


def test_wrong_codes_lock_the_account_as_wrong_passwords_do(client, world, settings):
    require(world.school)
    device = device_for(world.admin)
    sign_in(client, world.admin.email)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(VERIFY, {"code": "999999"}).status_code == 200
    locked = client.post(VERIFY, {"code": "999999"})
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session, "locked out is signed out"
    assert AccessAttempt.objects.get(username=world.admin.email).failures_since_start == 5
    # the password no longer opens the account from here either, even the right one
    assert sign_in(client, world.admin.email).status_code == 429
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1, "the device slows down wrong codes too"


def test_signing_in_again_with_the_password_does_not_wipe_wrong_codes(client, world, settings):
    """Someone holding a stolen password cannot reset the count by signing in again."""
    require(world.school)
    device_for(world.admin)
    for _round in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, world.admin.email)
        assert client.post(VERIFY, {"code": "999999"}).status_code == 200
    assert sign_in(client, world.admin.email).status_code == 302
    assert client.post(VERIFY, {"code": "999999"}).status_code == 429  # the fifth in all
    assert sign_in(client, world.admin.email).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_complete_sign_in_clears_the_failures(client, world, settings):
    require(world.school)
    device = device_for(world.admin)
    sign_in(client, world.admin.email, password="wrong")
    sign_in(client, world.admin.email)
    assert AccessAttempt.objects.filter(username=world.admin.email).exists()  # not yet
    assert client.post(VERIFY, {"code": code_for(device.bin_key)}).status_code == 302
    assert not AccessAttempt.objects.filter(username=world.admin.email).exists()
    client.logout()
    sign_in(client, world.student.user.email, password="wrong")
    sign_in(client, world.student.user.email)  # no code for a student: complete at once
    assert not AccessAttempt.objects.filter(username=world.student.user.email).exists()


def test_a_locked_account_cannot_try_more_codes(client, world, settings):
    require(world.school)
    device = device_for(world.admin)
    sign_in(client, world.admin.email)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        AccessAttempt.objects.update_or_create(
            username=world.admin.email,
            ip_address="127.0.0.1",
            user_agent="",
            defaults={"failures_since_start": settings.AXES_FAILURE_LIMIT},
        )
    response = client.post(VERIFY, {"code": code_for(device.bin_key)})
    assert response.status_code == 429, "even the right code waits out the lockout"
    assert "_auth_user_id" not in client.session


def test_the_back_office_needs_a_verified_second_factor(client, world, settings):
    settings.SECOND_FACTOR_FOR_NETWORK_ADMINS = True
    operator = factories.UserFactory(school=None, is_staff=True, is_superuser=True)
    client.force_login(operator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(SETUP)
    device = device_for(operator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    client.post(response.url, {"code": code_for(device.bin_key)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_back_office_sends_an_unverified_operator_to_the_code_page(client, world):
    operator = factories.UserFactory(school=None, is_staff=True, is_superuser=True)
    client.force_login(operator)  # not required in the app (test settings), still asked here
    device = device_for(operator)  # set up after this session began: the app lets them be
    assert client.get(HOME).status_code == 200
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    client.post(response.url, {"code": code_for(device.bin_key)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_back_office_sign_in_is_the_apps_own(client, world):
    operator = factories.UserFactory(school=None, is_staff=True, is_superuser=True)
    device = device_for(operator)
    login = reverse("admin:login") + "?next=" + reverse("admin:index")
    assert b'name="password"' in client.get(login).content
    response = client.post(login, {"username": operator.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("admin:index")
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    client.post(response.url, {"code": code_for(device.bin_key)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_admin_resets_a_device_from_the_persons_page(client, world):
    require(world.school, admins=False, advisors=True)
    device = device_for(world.advisor)
    client.force_login(world.admin)
    edit = reverse("bigpicture:person-update", kwargs={"pk": world.advisor.pk})
    page = client.get(edit).content.decode()
    reset_url = reverse("twofactor:reset", kwargs={"pk": world.advisor.pk})
    assert f'action="{reset_url}"' in page
    response = client.post(reset_url)
    assert response.status_code == 302 and response.url == edit
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    page = client.get(edit).content.decode()
    assert "they set one up at their next sign-in" in page
    assert world.admin.get_full_name() in page.split("Resets")[1]

    advisor = client.__class__()
    advisor.force_login(world.advisor)
    response = advisor.get(HOME)
    assert response.status_code == 302 and response.url.startswith(SETUP), "enrols again"


def test_a_verified_session_ends_with_the_reset(client, world):
    require(world.school, admins=False, advisors=True)
    device = device_for(world.advisor)
    client.force_login(world.advisor)
    verify_session(client, device)
    assert client.get(HOME).status_code == 200
    services.second_factor_reset(person=world.advisor, by=world.admin)
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(SETUP)


def test_another_schools_admin_cannot_reset(client, world):
    device = device_for(world.advisor)
    client.force_login(world.admin2)
    url = reverse("twofactor:reset", kwargs={"pk": world.advisor.pk})
    assert client.post(url).status_code == 404
    client.force_login(world.student.user)
    assert client.post(url).status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_school_settings_form_sets_who_must_use_a_second_factor(client, world):
    client.force_login(world.admin)
    url = reverse("bigpicture:school-update", kwargs={"pk": world.school.pk})
    page = client.get(url).content.decode()
    assert "second factor required for advisors" in page.lower()
    data = {
        "name": world.school.name,
        "time_zone": world.school.time_zone,
        "term_system": world.school.term_system,
        "advisory_capacity": 15,
        "access_record_days": 7 * 365,
        "evidence_limit_mb": 200,
        "second_factor_for_advisors": "on",
    }
    assert client.post(url, data).status_code == 302
    world.school.refresh_from_db()
    assert world.school.second_factor_for_advisors is True
    assert world.school.second_factor_for_admins is False
    advisor = client.__class__()
    advisor.force_login(world.advisor)
    assert advisor.get(HOME).url.startswith(SETUP), "the new rule applies at once"


def test_new_recovery_codes_replace_the_old_ones_for_a_verified_person(client, world):
    device = device_for(world.admin)
    old = services.recovery_codes_renew(user=world.admin)
    client.force_login(world.admin)
    url = reverse("twofactor:recovery-codes")
    response = client.post(url)
    assert response.url.startswith(VERIFY), "only once verified"
    verify_session(client, device)
    response = client.post(url)
    assert response.status_code == 302
    new = re.findall(
        r'class="recovery-code">([a-z2-7]{8})<', client.get(response.url).content.decode()
    )
    assert len(new) == 10 and not set(new) & set(old)
    assert not StaticToken.objects.filter(token__in=old).exists()


def test_codes_right_after_a_wrong_one_wait_and_say_so(client, world):
    require(world.school)
    device = device_for(world.admin)
    sign_in(client, world.admin.email)
    assert "not right" in client.post(VERIFY, {"code": "999999"}).content.decode()
    slowed = client.post(VERIFY, {"code": code_for(device.bin_key)})
    assert "wait a moment" in slowed.content.decode(), "django-otp waits a second, then 2, 4..."
    assert client.get(HOME).status_code == 302


def test_the_persons_page_speaks_of_a_second_factor_for_staff_only(client, world):
    client.force_login(world.admin)
    for person, shown in ((world.advisor, True), (world.guardian, False)):
        edit = reverse("bigpicture:person-update", kwargs={"pk": person.pk})
        assert ("Second factor" in client.get(edit).content.decode()) is shown

"""The Spanish translation: complete, compiled, and what Spanish readers actually get.

The catalogue is read with the standard library only (no polib, no gettext tools), so the
tests run on a fresh checkout: the .po is parsed by hand and the committed .mo is opened
with Python's own gettext module.
"""

import gettext as stdlib_gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests import factories

MESSAGES = Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES"
PO_FILE = MESSAGES / "django.po"
MO_FILE = MESSAGES / "django.mo"

# %(name)s, %s, %d ... (blocktranslate's {{ name }} is already %(name)s in the catalogue)
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0\- +]*\d*(?:\.\d+)?[sdifr%]")
ENTRY_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$')


def _unescape(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), text)


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file: flags, msgctxt, msgid, msgid_plural and msgstr(s)."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"flags": set(), "obsolete": False}
        field = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := ENTRY_LINE.match(line):
                field = match.group(1)
                entry[field] = _unescape(match.group(2))
            elif line.startswith('"') and field:
                entry[field] += _unescape(line[1:-1])
        if "msgid" in entry or entry["obsolete"]:
            entries.append(entry)
    return entries


def translations(entry: dict) -> list[str]:
    if "msgid_plural" in entry:
        return [value for key, value in sorted(entry.items()) if key.startswith("msgstr[")]
    return [entry.get("msgstr", "")]


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    return parse_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(entries) -> list[dict]:
    """Every entry except the header."""
    return [entry for entry in entries if entry.get("msgid")]


@pytest.fixture(autouse=True)
def _restore_language():
    """A request may leave its language active on the thread; don't leak it into other tests."""
    before = translation.get_language()
    yield
    translation.activate(before)


def _spanish(user):
    user.language = "es"
    user.save(update_fields=["language"])
    return user


# --- the catalogue itself --------------------------------------------------------------


def test_header_declares_spanish_utf8_and_two_plural_forms(entries):
    header = next(entry for entry in entries if entry.get("msgid") == "")
    assert "#, fuzzy" not in PO_FILE.read_text(encoding="utf-8")[:2000]
    assert "fuzzy" not in header["flags"]
    assert "Language: es\n" in header["msgstr"]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header["msgstr"]


def test_every_message_is_translated_and_none_is_fuzzy(messages):
    assert len(messages) > 250  # the whole interface, not a sample
    untranslated = [entry["msgid"] for entry in messages if not all(translations(entry))]
    fuzzy = [entry["msgid"] for entry in messages if "fuzzy" in entry["flags"]]
    obsolete = [entry for entry in messages if entry["obsolete"]]
    assert untranslated == []
    assert fuzzy == []
    assert obsolete == []
    for entry in messages:
        if "msgid_plural" in entry:
            assert len(translations(entry)) == 2, entry["msgid"]


def test_placeholders_survive_translation(messages):
    for entry in messages:
        if "msgid_plural" in entry:
            singular, plural = translations(entry)
            wanted = set(PLACEHOLDER.findall(entry["msgid_plural"]))
            assert set(PLACEHOLDER.findall(plural)) == wanted, entry["msgid_plural"]
            # the singular may spell "one" out instead of using the counter
            assert set(PLACEHOLDER.findall(singular)) <= wanted, entry["msgid"]
        else:
            wanted = set(PLACEHOLDER.findall(entry["msgid"]))
            assert set(PLACEHOLDER.findall(entry["msgstr"])) == wanted, entry["msgid"]
        assert all("{{" not in text and "{%" not in text for text in translations(entry))


def test_committed_mo_matches_the_po(messages):
    """The .mo is committed so nobody needs gettext: it must be compiled from this .po."""
    with MO_FILE.open("rb") as handle:
        compiled = stdlib_gettext.GNUTranslations(handle)
    assert compiled.info()["plural-forms"] == "nplurals=2; plural=(n != 1);"
    for entry in messages:
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            args = (entry["msgid"], entry["msgid_plural"])
            one, many = translations(entry)
            if context is None:
                assert compiled.ngettext(*args, 1) == one, entry["msgid"]
                assert compiled.ngettext(*args, 5) == many, entry["msgid"]
            else:
                assert compiled.npgettext(context, *args, 1) == one, entry["msgid"]
                assert compiled.npgettext(context, *args, 5) == many, entry["msgid"]
        elif context is None:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]
        else:
            assert compiled.pgettext(context, entry["msgid"]) == entry["msgstr"], entry["msgid"]


# --- Django picks the translation up ---------------------------------------------------


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("Sign in", "Iniciar sesión"),
        ("Sign out", "Cerrar sesión"),
        ("Students", "Estudiantes"),
        ("Advisories", "Grupos de asesoría"),
        ("My children", "Mis hijos"),
        ("Year level", "Nivel"),
        ("Internships", "Pasantías"),
        ("Your student profile has not been set up yet. Ask your advisor.", None),
    ],
)
def test_gettext_in_spanish(english, spanish):
    with translation.override("es"):
        translated = translation.gettext(english)
    assert translated != english
    if spanish is not None:
        assert translated == spanish


def test_placeholders_and_plurals_in_spanish():
    with translation.override("es"):
        welcome = translation.gettext("Welcome, %(name)s") % {"name": "Ana"}
        one = translation.ngettext("%(counter)s student", "%(counter)s students", 1)
        many = translation.ngettext("%(counter)s student", "%(counter)s students", 3)
        zero = translation.ngettext("%(counter)s person", "%(counter)s people", 0)
    assert welcome == "Hola, Ana"
    assert one % {"counter": 1} == "1 estudiante"
    assert many % {"counter": 3} == "3 estudiantes"
    assert zero % {"counter": 0} == "0 personas"


def test_english_stays_english():
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"
        assert translation.gettext("My children") == "My children"


# --- pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        ("guardian", "Mis hijos"),
        ("student", "Mi perfil"),
        ("advisor", "Mi grupo de asesoría"),
        ("admin", "Resumen de Met Providence"),
        ("mentor", "Mentoría"),
    ],
)
def test_home_page_in_the_persons_language(client, world, role, heading):
    person = _spanish(world.person(role))
    client.force_login(person)
    response = client.get(reverse("bigpicture:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert f"Hola, {person.first_name}" in html
    assert heading in html
    assert "Cerrar sesión" in html
    assert "Sign out" not in html


def test_new_spanish_speaking_guardian_sees_spanish(client, world):
    guardian = factories.GuardianFactory(school=world.school, language="es")
    client.force_login(guardian)
    html = client.get(reverse("bigpicture:home")).content.decode()
    assert '<html lang="es">' in html
    assert "Mis hijos" in html
    assert "Todavía no hay hijos vinculados a su cuenta." in html


def test_guardian_sees_child_in_spanish(client, world):
    client.force_login(_spanish(world.guardian))
    html = client.get(reverse("bigpicture:home")).content.decode()
    assert world.student.display_name in html
    assert f"Generación {world.student.graduating_class}" in html
    assert "Class of" not in html


def test_english_speaker_keeps_english(client, world):
    client.force_login(world.guardian)  # the default language is English
    html = client.get(reverse("bigpicture:home")).content.decode()
    assert '<html lang="en">' in html
    assert "My children" in html


@pytest.mark.parametrize("how", ["cookie", "header"])
def test_login_page_in_spanish_for_anonymous_visitors(client, db, how):
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
        response = client.get(reverse("login"))
    else:
        response = client.get(reverse("login"), headers={"accept-language": "es"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Iniciar sesión" in html
    assert "¿Olvidó su contraseña o la va a crear por primera vez?" in html
    assert "Sign in" not in html


def test_login_page_defaults_to_english(client, db):
    html = client.get(reverse("login"), headers={"accept-language": "en"}).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html


def test_language_switch_makes_the_login_page_spanish(client, db):
    response = client.post(reverse("set_language"), {"language": "es", "next": reverse("login")})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="es">' in html
    assert "Iniciar sesión" in html


def test_password_email_in_the_recipients_language(
    client, world, django_capture_on_commit_callbacks
):
    guardian = _spanish(world.guardian)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("password_reset"),
            {"email": guardian.email},
            headers={"accept-language": "en"},
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Cree su contraseña para la plataforma escolar Big Picture"
    assert "/accounts/reset/" in message.body
    assert f"Hola, {guardian.first_name}:" in message.body
    assert "Para iniciar sesión, use su correo electrónico:" in message.body

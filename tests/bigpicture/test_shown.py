"""The shown helpers a view calls with the language read once, against Django's filters."""

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.defaultfilters import linebreaksbr
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from bigpicture.templatetags.shown import day_in, hours_in, lines


def _render(source: str, **values) -> str:
    return Template(source).render(Context(values))


@pytest.mark.parametrize("language", ["en", "es"])
def test_day_in_and_hours_in_show_what_the_filters_show(language):
    with translation.override(language):
        active = translation.get_language()
        for day in (date(2027, 3, 4), date(2026, 12, 31), None):
            for shown in ("DATE_FORMAT", "D", "SHORT_DATE_FORMAT"):
                expected = _render(f'{{{{ v|date:"{shown}" }}}}', v=day)
                assert _render("{{ v }}", v=day_in(day, shown, active)) == expected
        for hours in (Decimal("3.50"), Decimal("4.00"), Decimal("12.25"), Decimal("0"), 2.5):
            expected = _render('{{ v|floatformat:"-2" }}', v=hours)
            assert _render("{{ v }}", v=hours_in(hours, active)) == expected


@pytest.mark.parametrize(
    "text",
    ["", "plain", "a\nb", "a\r\nb\rc\n\nd", "<script>&'\"</script>\nx", mark_safe("<b>\nsafe</b>")],
)
def test_lines_is_linebreaksbr(text):
    got = lines(text)
    assert got == linebreaksbr(text)
    assert isinstance(got, SafeString)
    assert _render("{{ v }}", v=got) == _render("{{ v|linebreaksbr }}", v=text)

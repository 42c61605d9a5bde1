"""``{{ pk|link:"app:page" }}``: a row's link without a walk of the URL patterns per row (see
bigpicture/links.py)."""

from django import template

from bigpicture.links import link as _link

register = template.Library()


@register.filter(is_safe=True)
def link(pk, name: str) -> str:
    return _link(name, pk)

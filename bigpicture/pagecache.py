"""Main pages cached whole for the person reading them, until their school's data changes.

A page is stored under the same key as its fragments (``selectors.fragment_key``: the
school's version, the viewer, their language, the school's date, their CSRF secret and the
address) plus the reading of the viewer it was made for (``cache_stamp``, see
``backends.EmailBackend.get_user``). So a page is only ever served back to the person it
was made for, with their own CSRF secret, and only until any service changes the school
(``selectors.school_changed``), the person is saved, or ``PAGE_CACHE_SECONDS`` pass (the
bound on what changes with the clock, such as "meeting in progress").

What is never stored: anything but a 200 answer to a GET, a page that showed one-time
messages ("Plan submitted."), a search or a filtered list, a network admin's page, and
anything at all without a cache all web processes share (``PERSONAL_CACHE``). What is never
served: a stored page while messages wait to be shown. The access policy decided who may
see the page when it was made; at the same school version it decides the same.
"""

import hashlib

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.template.response import SimpleTemplateResponse

from bigpicture.backends import personal_caching
from bigpicture.selectors import FRAGMENT_CACHE_SECONDS, fragment_key

PAGE_CACHE_SECONDS = FRAGMENT_CACHE_SECONDS


# The only query parameter a cached page may carry: which page of a list. Searches and
# filters are made afresh, so that any address typed cannot fill the cache with copies.
CACHED_PARAMETERS = frozenset({"page"})


def page_cache_key(request) -> str | None:
    """Where this request's page is cached, or None when it must be made afresh."""
    user = request.user
    stamp = getattr(user, "cache_stamp", None)
    if request.method != "GET" or not user.is_authenticated or stamp is None:
        return None
    # A network admin's pages span schools: no one school's version holds for them.
    if user.school_id is None or user.is_superuser or not personal_caching():
        return None
    if not CACHED_PARAMETERS.issuperset(request.GET) or len(request.GET.get("page", "")) > 6:
        return None
    if len(get_messages(request)):
        return None
    raw = f"{fragment_key(request)}:{stamp}"
    return "bigpicture:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _showed_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and storage.used)


class CachedPageMixin:
    """Serve a signed-in person's GET of this page from the page cache, or fill it.

    Place it after the access mixin (``RoleRequiredMixin``), so the role check still runs
    on every request, and before the view class.
    """

    def dispatch(self, request, *args, **kwargs):
        key = page_cache_key(request)
        if key is None:
            return super().dispatch(request, *args, **kwargs)
        cached = cache.get(key)
        if cached is not None:
            content_type, content = cached
            return HttpResponse(content, content_type=content_type)
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming:
            return response

        def store(rendered):
            if not _showed_messages(request):
                value = (rendered["Content-Type"], rendered.content)
                cache.set(key, value, PAGE_CACHE_SECONDS)

        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.add_post_render_callback(store)
        else:
            store(response)
        return response

"""Per-request settings for signed-in people: their language, their school's time zone,
and pages kept out of caches; and how refused requests are logged."""

import logging

from django.utils import timezone, translation
from django.utils.cache import patch_cache_control


class PersonalPreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
            if user.school_id:
                timezone.activate(user.school.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class NoStoreForSignedInMiddleware:
    """Tell browsers and caches on the way to keep no copy of a signed-in person's page
    (``Cache-Control: private, no-store``), so that the back button or the history of a shared
    computer does not show a student's records to the next person. Static files are served
    before this runs (WhiteNoise) and keep their long caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class OneLineRefusals(logging.Filter):
    """Drop the traceback from the log of a request refused with a 4xx (``PermissionDenied``
    is how the role gate answers): the line "Forbidden (Permission denied): /path" says all
    there is, and tracebacks are kept for the faults (5xx) someone must look into."""

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 500) < 500:
            record.exc_info, record.exc_text = None, None
        return True

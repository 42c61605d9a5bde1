"""Apply each signed-in person's language and their school's time zone to the request."""

from django.utils import timezone, translation


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

"""View helpers shared by every app: forms whose writes go through a service, list pages,
pages that note in the record of access whose records they show."""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.views.generic.edit import FormMixin

from bigpicture import access, records


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the matching fields of a form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
        form.add_error(target, [e for err in errors for e in err.messages])


class ServiceFormMixin(FormMixin):
    """A form view whose ``perform(form)`` calls one service; its errors land on the form."""

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class QueryStringMixin:
    """Give list pages the current filters as a query string, for their pagination links."""

    def get_context_data(self, **kwargs):
        params = self.request.GET.copy()
        params.pop("page", None)
        return super().get_context_data(query_string=params.urlencode(), **kwargs)


COUNT_CACHE_SECONDS = 60


class ListPaginator(Paginator):
    """A paginator that counts the rows only when the page does not know the count: a count
    the page already has (``known_count``), else one kept in the shared cache under
    ``count_key`` when the page gives one (a whole school's list, the same for every admin
    of the school and fine a minute old, whose COUNT(*) costs the database milliseconds at
    every page), else a COUNT(*)."""

    known_count: int | None = None
    count_key: str | None = None

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        if self.count_key is None:
            return super().count
        count = cache.get(self.count_key)
        if count is None:
            count = super().count
            cache.set(self.count_key, count, COUNT_CACHE_SECONDS)
        return count


class ListPageMixin(QueryStringMixin):
    """A paginated list page whose rows of one page are finished in ``decorate(context)``
    (year levels and the like), after the page of rows is read."""

    paginator_class = ListPaginator

    def known_count(self) -> int | None:
        """The number of rows, when the page has it already (read for something else)."""
        return None

    def count_cache_key(self) -> str | None:
        """The cache key of the row count when the list is a whole school's, the same for
        every admin of it (no search); None counts afresh. Never a key per viewer."""
        return None

    def school_count_key(self, name: str, *filters) -> str | None:
        """A ``count_cache_key()`` for a list an admin of a school sees whole: the school's
        key for the list and its filters; None for anyone else, or with a search."""
        user = self.request.user
        if self.request.GET.get("q", "").strip() or user.school_id is None:
            return None
        if user.is_superuser or not access.has_role(user, access.ADMIN):
            return None
        parts = ("bigpicture", "school", user.school_id, "count", name, *filters)
        return ":".join(str(part) for part in parts)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        paginator.known_count = self.known_count()
        if paginator.known_count is None:
            paginator.count_key = self.count_cache_key()
        return paginator

    def decorate(self, context: dict) -> dict:
        return context

    def get_context_data(self, **kwargs):
        return self.decorate(super().get_context_data(**kwargs))


class RecordsViewMixin:
    """A page that shows one student's records in ``record_area``: each GET it answers is
    noted in the record of access (written with the request's other rows, in one INSERT)."""

    record_area: str = ""

    def recorded_student(self):
        """The student the page shows: a Student, or a ``(pk, school_id)`` pair."""
        return self.get_student()

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # Only a page that was shown: a redirect or a "nothing yet" page shows no records.
        if response.status_code == 200:
            records.viewed(request, self.record_area, self.recorded_student())
        return response

"""View helpers shared by every app: forms whose writes go through a service, list pages."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from django.views.generic.edit import FormMixin


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


def deferred(read, names) -> dict:
    """Lazy template values for the dict ``read()`` returns, computed once when first used.

    Pages hand these to templates whose costly parts sit in a cached fragment, so the reads
    happen only when the fragment is missing.
    """
    computed: dict = {}

    def value(name):
        if not computed:
            computed.update(read())
        return computed[name]

    return {name: SimpleLazyObject(partial(value, name)) for name in names}


class DeferredListMixin(QueryStringMixin):
    """A list page whose rows are read only when its template renders them.

    The template wraps the table and its pagination in
    ``{% cache fragment_seconds "name" fragment_key %}``: while the school is unchanged a
    viewer's page of rows comes from the cache, with neither its queries nor its rendering.
    Subclasses finish the rows in ``decorate(context)`` (year levels and the like) and add
    cheap values (the filters shown in the form) through ``get_context_data`` as usual.
    """

    deferred = ("paginator", "page_obj", "is_paginated", "object_list", "query_string")

    def decorate(self, context: dict) -> dict:
        return context

    def get_context_data(self, **kwargs):
        def read():
            return self.decorate(super(DeferredListMixin, self).get_context_data(**kwargs))

        names = (*self.deferred, self.get_context_object_name(self.object_list))
        return {"view": self, **kwargs, **deferred(read, names)}

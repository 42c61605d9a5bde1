"""View helpers shared by every app: forms whose writes go through a service, list pages."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect
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


class ListPageMixin(QueryStringMixin):
    """A paginated list page whose rows of one page are finished in ``decorate(context)``
    (year levels and the like), after the page of rows is read."""

    def decorate(self, context: dict) -> dict:
        return context

    def get_context_data(self, **kwargs):
        return self.decorate(super().get_context_data(**kwargs))

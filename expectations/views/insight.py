"""insight pages."""

urlpatterns: list = []

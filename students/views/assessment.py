"""Pages about assessment."""

urlpatterns: list = []

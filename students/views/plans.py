"""Pages about plans."""

urlpatterns: list = []

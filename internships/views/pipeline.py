"""Pages: pipeline."""

urlpatterns: list = []

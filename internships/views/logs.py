"""Pages: logs."""

urlpatterns: list = []

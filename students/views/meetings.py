"""Pages about meetings."""

urlpatterns: list = []

"""reflections pages."""

urlpatterns: list = []

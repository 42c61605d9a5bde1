"""attendance pages."""

urlpatterns: list = []

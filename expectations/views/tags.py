"""tags pages."""

urlpatterns: list = []

"""engagement pages."""

urlpatterns: list = []

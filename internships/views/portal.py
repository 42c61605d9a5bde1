"""Pages: portal."""

urlpatterns: list = []

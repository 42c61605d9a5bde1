"""The app's URLs plus the benchmark's own pages (bench/views.py)."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/trivial/", views.trivial),
    path("bench/floor/", views.floor, name="bench-floor"),
    path("bench/lean/", views.lean, name="bench-lean"),
    path("", include("bigpicture.urls")),
]

from django.urls import path

from advisories import views

app_name = "advisories"

urlpatterns = [
    path("", views.AdvisoryListView.as_view(), name="advisory-list"),
    path("new/", views.AdvisoryCreateView.as_view(), name="advisory-create"),
    path("<int:pk>/", views.AdvisoryDetailView.as_view(), name="advisory-detail"),
    path("<int:pk>/edit/", views.AdvisoryUpdateView.as_view(), name="advisory-update"),
]

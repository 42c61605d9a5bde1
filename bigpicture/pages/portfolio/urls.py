"""The portfolio's pages: one student's PDF, and the batches of an advisory or a year level."""

from django.urls import path

from bigpicture.pages.portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("students/<int:pk>/", views.PortfolioView.as_view(), name="student"),
    path("advisories/<int:pk>/", views.AdvisoryBatchView.as_view(), name="advisory-batch"),
    path("schools/<int:pk>/levels/", views.LevelBatchView.as_view(), name="level-batch"),
]

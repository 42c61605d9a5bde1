from django.urls import path

from bigpicture.twofactor import views

app_name = "twofactor"

urlpatterns = [
    path("setup/", views.EnrolView.as_view(), name="setup"),
    path("recovery-codes/", views.RecoveryCodesView.as_view(), name="recovery-codes"),
    path("verify/", views.VerifyView.as_view(), name="verify"),
    path("people/<int:pk>/reset/", views.SecondFactorResetView.as_view(), name="reset"),
]

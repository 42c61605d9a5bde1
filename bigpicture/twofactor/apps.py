from django.contrib.admin.apps import AdminConfig


class BackOfficeConfig(AdminConfig):
    """The Django admin, with a site that lets in only verified operators."""

    default_site = "bigpicture.twofactor.admin_site.SecondFactorAdminSite"

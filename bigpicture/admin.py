"""Back-office (Django admin) for the people who run the deployment."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from bigpicture.models import AccessRecord, School, SchoolYear, Term, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "school", "get_roles_display", "is_active"]
    list_filter = [
        "school",
        "is_school_admin",
        "is_advisor",
        "is_student",
        "is_guardian",
        "is_mentor",
        "is_active",
        "is_staff",
    ]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["school"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "school", "language"]}),
        (
            _("Roles"),
            {"fields": ["is_school_admin", "is_advisor", "is_student", "is_guardian", "is_mentor"]},
        ),
        (
            _("Back-office"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "school", "password1", "password2"],
            },
        ),
    ]


class TermInline(admin.TabularInline):
    model = Term
    extra = 0


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "start_date", "end_date"]
    list_filter = ["school"]
    inlines = [TermInline]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "term_system", "advisory_capacity"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """The record of access, read-only: nobody adds, changes or deletes a row by hand."""

    list_display = ["at", "person_name", "action", "area", "student_id", "school", "source"]
    list_filter = ["action", "area", "school"]
    search_fields = ["person_name", "=student_id"]
    date_hierarchy = "at"
    list_select_related = ["school"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from students.models import GuardianLink, Student


class GuardianLinkInline(admin.TabularInline):
    model = GuardianLink
    extra = 0
    raw_id_fields = ["guardian"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "school", "graduating_class"]
    list_filter = ["school", "graduating_class"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "preferred_name"]
    list_select_related = ["user", "school"]
    raw_id_fields = ["user"]
    inlines = [GuardianLinkInline]


@admin.register(GuardianLink)
class GuardianLinkAdmin(admin.ModelAdmin):
    list_display = ["guardian", "student", "relationship", "is_primary_contact"]
    list_filter = ["relationship", "is_primary_contact", "student__school"]
    list_select_related = ["guardian", "student__user"]
    raw_id_fields = ["guardian", "student"]

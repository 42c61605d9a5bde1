from django.contrib import admin

from advisories.models import Advisory, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["student", "created_by"]


@admin.register(Advisory)
class AdvisoryAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "advisor", "graduating_class", "capacity"]
    list_filter = ["school", "graduating_class"]
    search_fields = ["name", "advisor__email", "advisor__last_name"]
    list_select_related = ["school", "advisor"]
    raw_id_fields = ["advisor"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["student", "advisory", "start_date", "end_date", "over_capacity_override"]
    list_filter = ["advisory__school", "over_capacity_override"]
    list_select_related = ["student__user", "advisory"]
    raw_id_fields = ["student", "advisory", "created_by"]
    date_hierarchy = "start_date"

from django.contrib.auth.admin import UserAdmin
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mustafid.audit.admin_base import ManagerAdmin

from .models import User


@admin.register(User)
class StaffAdmin(ManagerAdmin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "branch", "is_active"]
    list_filter = ["role", "branch", "is_active"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("البيانات"), {"fields": ["first_name", "last_name", "email"]}),
        (_("الدور والمكتب"), {"fields": ["role", "branch", "is_active"]}),
        (_("التواريخ"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "first_name", "last_name", "role", "branch", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

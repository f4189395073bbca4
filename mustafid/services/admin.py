from django.contrib import admin

from mustafid.audit.admin_base import ManagerAdmin

from .models import Service


@admin.register(Service)
class ServiceAdmin(ManagerAdmin):
    list_display = ["name_ar", "measure", "unit_ar", "active"]

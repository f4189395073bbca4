from django.contrib import admin

from mustafid.audit.admin_base import ManagerAdmin

from .models import RejectionReason


@admin.register(RejectionReason)
class RejectionReasonAdmin(ManagerAdmin):
    list_display = ["name_ar", "name_en", "active", "order"]
    list_editable = ["active", "order"]

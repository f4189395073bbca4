from django.contrib import admin

from mustafid.audit.admin_base import ManagerAdmin

from .models import DocumentType, SupportType


@admin.register(DocumentType)
class DocumentTypeAdmin(ManagerAdmin):
    list_display = ["name_ar", "name_en", "requires_expiry"]


@admin.register(SupportType)
class SupportTypeAdmin(ManagerAdmin):
    list_display = ["name_ar", "name_en", "active", "requires_research"]
    filter_horizontal = ["required_documents"]

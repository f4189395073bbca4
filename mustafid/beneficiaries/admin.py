from django.contrib import admin

from mustafid.audit.admin_base import ManagerAdmin

from .models import Category

# Beneficiaries themselves are not in the settings screens: every read of them
# goes through `access_beneficiary`, which audits it.


@admin.register(Category)
class CategoryAdmin(ManagerAdmin):
    list_display = ["name_ar", "name_en", "active", "order"]

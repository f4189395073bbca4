"""Staff accounts in the settings screens (`/settings/`), for managers.

Two accounts are out of a manager's reach: the auditor's (who oversees the managers) and a superuser's
(who could change the auditor's). A manager may see them but not change, deactivate, delete them or
set their password, and may neither grant nor remove the auditor role. Only a superuser may.
Every password set here is audited and must be replaced by its owner at the next sign-in.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from mustafid.audit.admin_base import ManagerAdmin

from . import actions
from .models import Role, User


def out_of_a_managers_reach(user):
    return user.is_superuser or user.is_auditor


@admin.register(User)
class StaffAdmin(ManagerAdmin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "roles_display", "branch", "is_active"]
    list_filter = ["roles", "branch", "is_active"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("البيانات"), {"fields": ["first_name", "last_name", "email"]}),
        (_("الأدوار والمكتب"), {"fields": ["roles", "branch", "is_active"]}),
        (_("التواريخ"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "first_name", "last_name", "roles", "branch", "usable_password",
                           "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}

    @admin.display(description=_("الأدوار"))
    def roles_display(self, obj):
        return obj.roles_display

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "roles" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.remote_field.model.objects.exclude(code=Role.AUDITOR)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and out_of_a_managers_reach(obj) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and out_of_a_managers_reach(obj) and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        # "Delete selected" asks for permission without an object: check each one.
        if not request.user.is_superuser and any(out_of_a_managers_reach(user) for user in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        password_set = not change and obj.has_usable_password()
        if password_set:
            obj.must_change_password = obj.pk != request.user.pk
        super().save_model(request, obj, form, change)
        if password_set:
            actions.record_password_set(obj, by=request.user, new_account=True)

    def user_change_password(self, request, id, form_url=""):
        # Django's view sets the password; the action records who did it and makes the owner replace it.
        with transaction.atomic():
            before = User.objects.filter(pk=unquote(id)).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            user = User.objects.filter(pk=unquote(id)).first()
            if user is not None and before is not None and user.password != before:
                actions.record_password_set(user, by=request.user)
        return response

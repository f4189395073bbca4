"""The settings screens (Django admin) are for managers, and every change there is audited."""

from django.contrib import admin
from django.forms.models import model_to_dict

from .log import is_secret_key, record
from .models import EventType


def snapshot(obj):
    """The object's fields for the trail, without any secret (a password hash, a token, a code)."""
    return {key: value for key, value in model_to_dict(obj).items() if not is_secret_key(key)}


class ManagerAdmin(admin.ModelAdmin):
    def _is_manager(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or getattr(user, "is_manager", False))

    def has_module_permission(self, request):
        return self._is_manager(request)

    def has_view_permission(self, request, obj=None):
        return self._is_manager(request)

    def has_add_permission(self, request):
        return self._is_manager(request)

    def has_change_permission(self, request, obj=None):
        return self._is_manager(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_manager(request)

    def save_model(self, request, obj, form, change):
        # Compare after the related (many-to-many) rows are saved too: see save_related.
        request._audit_before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        after = snapshot(obj)
        before = getattr(request, "_audit_before", {})
        changed = {k: {"old": before.get(k), "new": v} for k, v in after.items() if before.get(k) != v}
        record(EventType.SETTINGS_CHANGED, actor=request.user, target=obj,
               data={"created": not change, "changed": changed})

    def delete_model(self, request, obj):
        record(EventType.SETTINGS_DELETED, actor=request.user, target=obj, data={"was": snapshot(obj)})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record(EventType.SETTINGS_DELETED, actor=request.user, target=obj, data={"was": snapshot(obj)})
        super().delete_queryset(request, queryset)
